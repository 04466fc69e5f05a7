import { createHash, randomBytes } from 'node:crypto';
import { isUuid } from '@cascade/core';

/**
 * Refresh tokens are opaque to clients: `crt_<tenant id, 32 hex>_<256-bit secret, base64url>`.
 * The tenant part lets the server open the right tenant transaction (row-level security) before
 * it looks the token up; only SHA-256(secret) is stored — a fast hash is enough for a 256-bit
 * random secret, and the lookup is by hash, so no comparison leaks timing.
 */
const PATTERN = /^crt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function newRefreshToken(tenantId: string): { token: string; hash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `crt_${tenantId.replace(/-/g, '')}_${secret}`, hash: hashSecret(secret) };
}

export function parseRefreshToken(token: unknown): { tenantId: string; hash: Buffer } | null {
  if (typeof token !== 'string') return null;
  const m = PATTERN.exec(token);
  if (!m) return null;
  const hex = m[1];
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return isUuid(tenantId) ? { tenantId, hash: hashSecret(m[2]) } : null;
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
