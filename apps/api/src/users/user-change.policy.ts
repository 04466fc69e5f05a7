import { TenantRole } from '@cascade/auth';

/** Everything one user can do to another (or to themselves). */
export type UserAction = 'create' | 'change_role' | 'change_credentials' | 'delete' | 'end_sessions' | 'transfer_ownership';

export interface Actor {
  /** null for gateway-mode requests (a trusted gateway acting with admin rights, no user). */
  id: string | null;
  role: TenantRole;
}

export interface Target {
  id: string;
  role: TenantRole;
}

/** Whom each role manages. Nobody manages an owner; ownership moves only by transfer. */
const MANAGES: Record<TenantRole, readonly TenantRole[]> = { owner: ['admin', 'member'], admin: ['member'], member: [] };

/**
 * Who may change whom (contract v2): nobody gains a right they do not hold; nobody changes their
 * own role; an admin manages members only; the owner manages admins and members; only the owner
 * changes the owner's email or password; ownership moves only by the owner's transfer. Everyone
 * may change their own email and password and end their own sign-ins. The one place these rules
 * live — the spec beside it walks every role × action × target.
 */
export const UserChangePolicy = {
  allows(actor: Actor, action: UserAction, target: Target, newRole?: TenantRole): boolean {
    const self = actor.id !== null && actor.id === target.id;
    const manages = (role: TenantRole) => MANAGES[actor.role].includes(role);
    switch (action) {
      case 'create':
        return manages(target.role);
      case 'change_role':
        return !self && manages(target.role) && newRole !== undefined && manages(newRole);
      case 'change_credentials':
      case 'end_sessions':
        return self || manages(target.role);
      case 'delete':
        return !self && manages(target.role);
      case 'transfer_ownership':
        return actor.role === 'owner' && !self && target.role !== 'owner';
    }
  },
};
