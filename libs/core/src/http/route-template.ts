import type { FastifyRequest } from 'fastify';

/**
 * The route template a request matched (`/api/resources/:id`), never the raw path with ids in
 * it; undefined when no route matched (the 404 handler answered).
 */
export function routeTemplateOf(req: FastifyRequest): string | undefined {
  return req.is404 ? undefined : req.routeOptions.url;
}
