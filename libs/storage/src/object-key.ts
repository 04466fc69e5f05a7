import { isUuid } from '@cascade/core';

declare const objectKeyBrand: unique symbol;

/**
 * `tenants/<tenant_id>/<file_id>`: the only shape an object key can have. Both parts are our own
 * UUIDs, checked here, so nothing a client sends (a filename, a path) can ever become part of a
 * key or of a path on disk.
 */
export type ObjectKey = string & { readonly [objectKeyBrand]: true };

export const TENANTS_PREFIX = 'tenants';

function requireUuid(value: string, what: string): string {
  if (!isUuid(value)) throw new Error(`${what} must be a UUID`);
  return value.toLowerCase();
}

export function objectKey(tenantId: string, fileId: string): ObjectKey {
  return `${tenantPrefix(tenantId)}${requireUuid(fileId, 'File id')}` as ObjectKey;
}

/** `tenants/<tenant_id>/`: every object of one tenant, and nothing of another. */
export function tenantPrefix(tenantId: string): string {
  return `${TENANTS_PREFIX}/${requireUuid(tenantId, 'Tenant id')}/`;
}
