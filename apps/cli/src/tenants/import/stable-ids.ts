import { createHash } from 'node:crypto';
import { isUuid } from '@cascade/core';

// The namespace of CASCADE's name-based ids (RFC 9562 UUIDv5); fixed forever, like the format.
const NAMESPACE = Buffer.from('6f1d3c2a9b8e4f5d8c7b6a5f4e3d2c1b', 'hex');

/**
 * Our id for an imported record: the external_id itself when it is a UUID, else a UUIDv5 of
 * (collection, external_id). Either way the same export gets the same ids in every database, so
 * export → import round-trips keep ids, and a file's storage key is the same on every rerun.
 */
export function stableId(collection: string, externalId: string): string {
  if (isUuid(externalId)) return externalId.toLowerCase();
  const b = createHash('sha1').update(NAMESPACE).update(`${collection}\u0000${externalId}`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
