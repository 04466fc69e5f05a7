import { Request } from 'express';
import { Principal } from '@cascade/auth';
import { TenantRecord } from './tenant-record';

/** The tenant a request acts for, fixed by the tenant guard before any handler runs. */
export interface TenantContext {
  tenant: TenantRecord;
  principal: Principal;
}

const CONTEXT = Symbol('cascade.tenantContext');

export function setTenantContext(req: Request, ctx: TenantContext): void {
  (req as unknown as Record<symbol, TenantContext>)[CONTEXT] = ctx;
}

export function findTenantContext(req: Request): TenantContext | undefined {
  return (req as unknown as Record<symbol, TenantContext | undefined>)[CONTEXT];
}

/** Throws instead of returning undefined: tenant work outside a tenant request is a bug. */
export function tenantContextOf(req: Request): TenantContext {
  const ctx = findTenantContext(req);
  if (!ctx) throw new Error('No tenant context: tenant operations must run inside a request that passed the tenant guard');
  return ctx;
}
