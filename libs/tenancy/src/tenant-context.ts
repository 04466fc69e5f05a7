import { createParamDecorator } from '@nestjs/common';
import { Principal, setPrincipal } from '@cascade/auth';
import { ContextSlot, findRequestContext, requestContext } from '@cascade/core';
import { TenantRecord } from './tenant-record';

/** The tenant a request acts for, fixed by the tenant guard before any handler runs. */
export interface TenantContext {
  tenant: TenantRecord;
  principal: Principal;
}

const TENANT = new ContextSlot<TenantContext>('tenant');

/** Also makes `principal` the request's principal (in gateway mode it now names the tenant). */
export function setTenantContext(ctx: TenantContext): void {
  requestContext().set(TENANT, ctx);
  setPrincipal(ctx.principal);
}

/** The request's tenant, or undefined on platform and public routes (or outside a request). */
export function findTenantContext(): TenantContext | undefined {
  return findRequestContext()?.find(TENANT);
}

/** Throws instead of returning undefined: tenant work outside a tenant request is a bug. */
export function currentTenantContext(): TenantContext {
  const ctx = findTenantContext();
  if (!ctx) throw new Error('No tenant context: tenant operations must run inside a request that passed the tenant guard');
  return ctx;
}

/** `@CurrentTenant() tenant: TenantRecord` — the tenant this request acts for. */
export const CurrentTenant = createParamDecorator(() => currentTenantContext().tenant);
