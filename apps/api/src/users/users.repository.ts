import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TenantRole } from '@cascade/auth';
import { sql, TableReader } from '@cascade/database';
import { USER_VIEW_COLUMNS, UserView } from './user.view';

export interface UserCredentials {
  id: string;
  role: TenantRole;
  password_hash: string;
  session_epoch: number;
}

/**
 * Users of a tenant. Every statement names the tenant (tenant_id = $1) and runs on the request's
 * tenant transaction, so row-level security scopes it too.
 */
@Injectable()
export class UsersRepository {
  private readonly reader = new TableReader<UserView>('cascade.users', USER_VIEW_COLUMNS);

  async insert(
    em: EntityManager,
    tenantId: string,
    user: { id: string; email: string; passwordHash: string; role: string },
  ): Promise<UserView> {
    const { rows } = await sql<UserView>(
      em,
      `INSERT INTO cascade.users (tenant_id, id, email, password_hash, role)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${USER_VIEW_COLUMNS}`,
      [tenantId, user.id, user.email, user.passwordHash, user.role],
    );
    return rows[0];
  }

  findById(em: EntityManager, tenantId: string, id: string): Promise<UserView | null> {
    return this.reader.byId(em, tenantId, id);
  }

  /** Locks the row: concurrent changes to one user (role, credentials, ownership) queue up. */
  async findForUpdate(em: EntityManager, tenantId: string, id: string): Promise<UserView | null> {
    const { rows } = await sql<UserView>(em, `SELECT ${USER_VIEW_COLUMNS} FROM cascade.users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async findCredentialsByEmail(em: EntityManager, tenantId: string, email: string): Promise<UserCredentials | null> {
    const { rows } = await sql<UserCredentials>(
      em,
      `SELECT id, role, password_hash, session_epoch FROM cascade.users WHERE tenant_id = $1 AND email = $2`,
      [tenantId, email],
    );
    return rows[0] ?? null;
  }

  listAfter(em: EntityManager, tenantId: string, afterId: string | undefined, limit: number): Promise<UserView[]> {
    return this.reader.pageAfter(em, tenantId, afterId, limit);
  }

  async update(
    em: EntityManager,
    tenantId: string,
    id: string,
    changes: { email?: string; passwordHash?: string; role?: string },
  ): Promise<UserView | null> {
    const { rows } = await sql<UserView>(
      em,
      `UPDATE cascade.users SET email = coalesce($3, email), password_hash = coalesce($4, password_hash),
              role = coalesce($5, role), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING ${USER_VIEW_COLUMNS}`,
      [tenantId, id, changes.email ?? null, changes.passwordHash ?? null, changes.role ?? null],
    );
    return rows[0] ?? null;
  }

  async delete(em: EntityManager, tenantId: string, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.users WHERE tenant_id = $1 AND id = $2`, [tenantId, id])).rowCount > 0;
  }
}
