import { createParamDecorator } from '@nestjs/common';
import { ContextSlot, findRequestContext, requestContext } from '@cascade/core';

export const TENANT_ROLES = ['owner', 'admin', 'member'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];
export type Role = TenantRole | 'platform_admin';

/**
 * How the caller proved who they are: our own token, a trusted gateway header, a token of the
 * external identity provider, or an API key (then `userId` is the key's id).
 */
export type Via = 'token' | 'gateway' | 'external' | 'api_key';

/** Who is calling, as proven by the token (or by a trusted gateway header). */
export interface Principal {
  userId: string | null;
  tenantId: string | null;
  role: Role;
  via: Via;
  /** The sign-in (refresh family) the access token belongs to, when it came from a login. */
  sessionId?: string;
}

/** The JUDGED principal (PrincipalRegistry.judge), never the raw token claims. */
const PRINCIPAL = new ContextSlot<Principal>('principal');

export function setPrincipal(principal: Principal): void {
  requestContext().set(PRINCIPAL, principal);
}

/** The caller, or undefined on a public route (or outside a request). */
export function findPrincipal(): Principal | undefined {
  return findRequestContext()?.find(PRINCIPAL);
}

/** The caller; throws where no principal was established (a public route, no request). */
export function currentPrincipal(): Principal {
  return requestContext().get(PRINCIPAL);
}

/** `@CurrentPrincipal() principal: Principal` — the authenticated caller of this request. */
export const CurrentPrincipal = createParamDecorator(() => currentPrincipal());
