import { Request } from 'express';

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

const PRINCIPAL = Symbol('cascade.principal');

export function setPrincipal(req: Request, principal: Principal): void {
  (req as unknown as Record<symbol, Principal>)[PRINCIPAL] = principal;
}

export function principalOf(req: Request): Principal | undefined {
  return (req as unknown as Record<symbol, Principal | undefined>)[PRINCIPAL];
}
