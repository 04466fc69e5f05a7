import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { endAllSessions, hashPassword, PrincipalRegistry, recordPrincipalChange, TenantRole } from '@cascade/auth';
import { conflict, decodeCursor, forbidden, notFound, Page, toPage, uuidv7, validationFailed } from '@cascade/core';
import { isUniqueViolation } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { Actor, UserAction, UserChangePolicy } from './user-change.policy';
import { UserView } from './user.view';
import { UsersRepository } from './users.repository';

const emailTaken = () => conflict('email_taken', 'A user with this email already exists in this tenant');
const notAllowed = (action: UserAction) =>
  forbidden(
    {
      create: 'You may not create a user with this role',
      change_role: 'You may not give this user that role (nobody changes their own role)',
      change_credentials: "You may not change this user's email or password",
      delete: 'You may not delete this user',
      end_sessions: "You may not end this user's sessions",
      transfer_ownership: 'Only the owner transfers ownership, to another user of the tenant',
    }[action],
  );

/** The request's transaction and what runs after its commit (TenantConnection). */
export interface TenantWork {
  manager(): Promise<EntityManager>;
  afterCommit(hook: () => Promise<void> | void): void;
}

/**
 * Users of a tenant. Every change passes UserChangePolicy, and every change to who a user is
 * (role, credentials, existence, sign-ins) is written to the principal change feed in the same
 * transaction and read back by this replica right after the commit — the next request of that
 * user, here or on another replica, is judged by it.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly quota: QuotaLedger,
    private readonly registry: PrincipalRegistry,
  ) {}

  /** Reserves a user slot and inserts in the same transaction: both happen or neither. */
  async create(
    em: EntityManager,
    tenantId: string,
    dto: CreateUserDto | { email: string; password: string; role: TenantRole },
    actor?: Actor,
  ): Promise<UserView> {
    const role = dto.role ?? 'member';
    if (actor && !UserChangePolicy.allows(actor, 'create', { id: '', role })) throw notAllowed('create');
    const passwordHash = await hashPassword(dto.password);
    await this.quota.reserve(em, tenantId, 'users');
    try {
      return await this.users.insert(em, tenantId, { id: uuidv7(), email: dto.email.toLowerCase(), passwordHash, role });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
  }

  async get(em: EntityManager, tenantId: string, id: string): Promise<UserView> {
    const user = await this.users.findById(em, tenantId, id);
    if (!user) throw notFound();
    return user;
  }

  async list(em: EntityManager, tenantId: string, limit: number, cursor?: string): Promise<Page<UserView>> {
    const rows = await this.users.listAfter(em, tenantId, decodeCursor(cursor), limit + 1);
    return toPage(rows, limit, (u) => u);
  }

  async update(db: TenantWork, tenantId: string, actor: Actor, id: string, dto: UpdateUserDto): Promise<UserView> {
    const em = await db.manager();
    const current = await this.locked(em, tenantId, id);
    const roleChange = dto.role !== undefined && dto.role !== current.role;
    if (roleChange && !UserChangePolicy.allows(actor, 'change_role', current, dto.role)) throw notAllowed('change_role');
    const credentials = dto.email !== undefined || dto.password !== undefined;
    if (credentials && !UserChangePolicy.allows(actor, 'change_credentials', current)) throw notAllowed('change_credentials');
    let updated: UserView | null;
    try {
      updated = await this.users.update(em, tenantId, id, {
        email: dto.email?.toLowerCase(),
        role: roleChange ? dto.role : undefined,
        passwordHash: dto.password === undefined ? undefined : await hashPassword(dto.password),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    if (!updated) throw notFound();
    if (roleChange) await recordPrincipalChange(em, tenantId, { kind: 'role', userId: id, role: dto.role as TenantRole });
    if (credentials) await endAllSessions(em, tenantId, id); // a new password or email ends every sign-in
    if (roleChange || credentials) db.afterCommit(() => this.registry.changed());
    return updated;
  }

  /** Deleting frees the quota slot and ends every sign-in, in the same transaction. */
  async remove(db: TenantWork, tenantId: string, actor: Actor, id: string): Promise<void> {
    const em = await db.manager();
    const current = await this.locked(em, tenantId, id);
    if (!UserChangePolicy.allows(actor, 'delete', current)) throw notAllowed('delete');
    if (!(await this.users.delete(em, tenantId, id))) throw notFound();
    await recordPrincipalChange(em, tenantId, { kind: 'deleted', userId: id });
    await this.quota.release(em, tenantId, 'users');
    db.afterCommit(() => this.registry.changed());
  }

  /** DELETE /api/users/:id/sessions: ends every sign-in of a user the actor may manage. */
  async endSessions(db: TenantWork, tenantId: string, actor: Actor, id: string): Promise<void> {
    const em = await db.manager();
    const current = await this.locked(em, tenantId, id);
    if (!UserChangePolicy.allows(actor, 'end_sessions', current)) throw notAllowed('end_sessions');
    await endAllSessions(em, tenantId, id);
    db.afterCommit(() => this.registry.changed());
  }

  /** The owner hands the tenant to another user and becomes an admin; both users' rights change now. */
  async transferOwnership(db: TenantWork, tenantId: string, actor: Actor, newOwnerId: string): Promise<UserView> {
    if (actor.id === null) throw notAllowed('transfer_ownership');
    const em = await db.manager();
    // lock both rows in id order, so two transfers cannot deadlock
    const [first, second] = [actor.id, newOwnerId].sort();
    const rows = new Map<string, UserView>();
    for (const id of [first, second]) {
      const row = await this.users.findForUpdate(em, tenantId, id);
      if (row) rows.set(id, row);
    }
    const target = rows.get(newOwnerId);
    if (!target) throw notFound();
    if (actor.id === newOwnerId) throw validationFailed('You are the owner already');
    if (!UserChangePolicy.allows(actor, 'transfer_ownership', target as { id: string; role: TenantRole })) {
      throw notAllowed('transfer_ownership');
    }
    await this.users.update(em, tenantId, actor.id, { role: 'admin' });
    const promoted = await this.users.update(em, tenantId, newOwnerId, { role: 'owner' });
    await recordPrincipalChange(em, tenantId, { kind: 'role', userId: actor.id, role: 'admin' });
    await recordPrincipalChange(em, tenantId, { kind: 'role', userId: newOwnerId, role: 'owner' });
    db.afterCommit(() => this.registry.changed());
    return promoted as UserView;
  }

  private async locked(em: EntityManager, tenantId: string, id: string): Promise<UserView & { role: TenantRole }> {
    const user = await this.users.findForUpdate(em, tenantId, id);
    if (!user) throw notFound();
    return user as UserView & { role: TenantRole };
  }
}
