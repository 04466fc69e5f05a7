import { TenantRole } from '@cascade/auth';
import { Actor, Target, UserAction, UserChangePolicy } from './user-change.policy';

const ROLES: TenantRole[] = ['owner', 'admin', 'member'];
const actor = (role: TenantRole): Actor => ({ id: `actor-${role}`, role });
const other = (role: TenantRole): Target => ({ id: `target-${role}`, role });

/**
 * The whole table: every acting role × every action × every target role (another user, or the
 * actor themselves), and for role changes every new role. Expected values are written out, not
 * derived from the implementation.
 */
const expected: Record<TenantRole, Record<Exclude<UserAction, 'change_role'>, Record<TenantRole | 'self', boolean>>> = {
  owner: {
    create: { owner: false, admin: true, member: true, self: false },
    change_credentials: { owner: false, admin: true, member: true, self: true },
    delete: { owner: false, admin: true, member: true, self: false },
    end_sessions: { owner: false, admin: true, member: true, self: true },
    transfer_ownership: { owner: false, admin: true, member: true, self: false },
  },
  admin: {
    create: { owner: false, admin: false, member: true, self: false },
    change_credentials: { owner: false, admin: false, member: true, self: true },
    delete: { owner: false, admin: false, member: true, self: false },
    end_sessions: { owner: false, admin: false, member: true, self: true },
    transfer_ownership: { owner: false, admin: false, member: false, self: false },
  },
  member: {
    create: { owner: false, admin: false, member: false, self: false },
    change_credentials: { owner: false, admin: false, member: false, self: true },
    delete: { owner: false, admin: false, member: false, self: false },
    end_sessions: { owner: false, admin: false, member: false, self: true },
    transfer_ownership: { owner: false, admin: false, member: false, self: false },
  },
};

/** change_role: [actor][target][new role]; self is always refused. */
const roleChange: Record<TenantRole, Record<TenantRole, Record<TenantRole, boolean>>> = {
  owner: {
    owner: { owner: false, admin: false, member: false },
    admin: { owner: false, admin: true, member: true },
    member: { owner: false, admin: true, member: true },
  },
  admin: {
    owner: { owner: false, admin: false, member: false },
    admin: { owner: false, admin: false, member: false },
    member: { owner: false, admin: false, member: true },
  },
  member: {
    owner: { owner: false, admin: false, member: false },
    admin: { owner: false, admin: false, member: false },
    member: { owner: false, admin: false, member: false },
  },
};

describe('who may change whom', () => {
  const cases = ROLES.flatMap((a) =>
    (Object.keys(expected[a]) as Exclude<UserAction, 'change_role'>[]).flatMap((action) =>
      ([...ROLES, 'self'] as const).map((t) => [a, action, t, expected[a][action][t]] as const),
    ),
  );
  it.each(cases)('%s → %s on %s: %s', (a, action, t, allowed) => {
    const target = t === 'self' ? { id: actor(a).id as string, role: a } : other(t);
    expect(UserChangePolicy.allows(actor(a), action, target)).toBe(allowed);
  });

  const roleCases = ROLES.flatMap((a) => ROLES.flatMap((t) => ROLES.map((n) => [a, t, n, roleChange[a][t][n]] as const)));
  it.each(roleCases)('%s changes a %s to %s: %s', (a, t, n, allowed) => {
    expect(UserChangePolicy.allows(actor(a), 'change_role', other(t), n)).toBe(allowed);
  });

  it.each(ROLES.flatMap((a) => ROLES.map((n) => [a, n] as const)))('%s cannot change their own role to %s', (a, n) => {
    expect(UserChangePolicy.allows(actor(a), 'change_role', { id: actor(a).id as string, role: a }, n)).toBe(false);
  });

  it('a gateway request (no user, admin rights) manages members only', () => {
    const gateway: Actor = { id: null, role: 'admin' };
    expect(UserChangePolicy.allows(gateway, 'delete', other('member'))).toBe(true);
    expect(UserChangePolicy.allows(gateway, 'delete', other('admin'))).toBe(false);
    expect(UserChangePolicy.allows(gateway, 'change_credentials', other('owner'))).toBe(false);
  });
});
