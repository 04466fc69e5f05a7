import { TenantRole } from '../principal';

/** Who the identity provider vouches for, from a verified token. */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  /** The tenant claim's value: a tenant id or slug. */
  tenant: string;
  /** The role the provider's role claim maps to; used only when the user is first seen. */
  role: Exclude<TenantRole, 'owner'>;
  email?: string;
}

/** The CASCADE user behind an external identity, as stored now. */
export interface ExternalUser {
  userId: string;
  tenantId: string;
  role: TenantRole;
}

/**
 * Finds (or, on first sight, creates) the user of an external identity. Implemented by the app,
 * which owns users and their quota; null means refused (unknown tenant, user deleted in CASCADE).
 */
export interface ExternalUserDirectory {
  resolve(identity: ExternalIdentity): Promise<ExternalUser | null>;
}

export const EXTERNAL_USER_DIRECTORY = Symbol('EXTERNAL_USER_DIRECTORY');
