const UUID_IN_PATH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The request target as the routes see it (Fastify's `rewriteUrl`, before routing):
 * - ids are case-insensitive (RFC 9562 prints them in lower case): every UUID in the path is
 *   lower-cased, so route params, cache keys, audit records and logs all see one spelling. The
 *   query string is left alone (cursors are opaque);
 * - a fragment (`#…`, never sent by a browser, but a raw client may) is dropped, as URL parsing
 *   did under Express, instead of ending up in the last query value.
 */
export function rewriteRequestTarget(url: string): string {
  const hash = url.indexOf('#');
  const target = hash === -1 ? url : url.slice(0, hash);
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const lowered = path.replace(UUID_IN_PATH, (id) => id.toLowerCase());
  return lowered === path ? target : lowered + (q === -1 ? '' : target.slice(q));
}
