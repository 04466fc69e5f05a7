import { createHash, randomBytes } from 'node:crypto';
import { isUuid } from '@cascade/core';

/**
 * API keys are `cas_<tenant id, 32 hex>_<key id, 32 hex>_<256-bit secret, base64url>`. The tenant
 * part lets the server look the key up inside that tenant's transaction (row-level security);
 * only SHA-256(secret) is stored — a fast hash is enough for a 256-bit random secret.
 */
const PATTERN = /^cas_([0-9a-f]{32})_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function newApiKeySecret(tenantId: string, keyId: string): { token: string; hash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `cas_${hex(tenantId)}_${hex(keyId)}_${secret}`, hash: hashApiKeySecret(secret) };
}

export function isApiKey(token: string): boolean {
  return token.startsWith('cas_');
}

export function parseApiKey(token: string): { tenantId: string; keyId: string; hash: Buffer } | null {
  const m = PATTERN.exec(token);
  if (!m) return null;
  const tenantId = uuid(m[1]);
  const keyId = uuid(m[2]);
  return isUuid(tenantId) && isUuid(keyId) ? { tenantId, keyId, hash: hashApiKeySecret(m[3]) } : null;
}

function hashApiKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

const hex = (id: string) => id.replace(/-/g, '').toLowerCase();
const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
