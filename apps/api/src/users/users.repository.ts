import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, TableReader } from '@cascade/database';
import { USER_VIEW_COLUMNS, UserView } from './user.view';

export interface UserCredentials {
  id: string;
  role: 'owner' | 'admin' | 'member';
  password_hash: string;
}

/**
 * Users of the current tenant. Every statement runs on the request's tenant transaction, so
 * row-level security scopes it; tenant_id is filled from the transaction's own setting.
 */
@Injectable()
export class UsersRepository {
  private readonly reader = new TableReader<UserView>('cascade.users', USER_VIEW_COLUMNS);

  async insert(em: EntityManager, user: { id: string; email: string; passwordHash: string; role: string }): Promise<UserView> {
    const { rows } = await sql<UserView>(
      em,
      `INSERT INTO cascade.users (tenant_id, id, email, password_hash, role)
       VALUES (current_setting('app.current_tenant')::uuid, $1, $2, $3, $4) RETURNING ${USER_VIEW_COLUMNS}`,
      [user.id, user.email, user.passwordHash, user.role],
    );
    return rows[0];
  }

  findById(em: EntityManager, id: string): Promise<UserView | null> {
    return this.reader.byId(em, id);
  }

  async findCredentialsByEmail(em: EntityManager, email: string): Promise<UserCredentials | null> {
    const { rows } = await sql<UserCredentials>(em, `SELECT id, role, password_hash FROM cascade.users WHERE email = $1`, [email]);
    return rows[0] ?? null;
  }

  listAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<UserView[]> {
    return this.reader.pageAfter(em, afterId, limit);
  }

  async update(em: EntityManager, id: string, changes: { email?: string; passwordHash?: string; role?: string }): Promise<UserView | null> {
    const { rows } = await sql<UserView>(
      em,
      `UPDATE cascade.users SET email = coalesce($2, email), password_hash = coalesce($3, password_hash),
              role = coalesce($4, role), updated_at = now()
        WHERE id = $1 RETURNING ${USER_VIEW_COLUMNS}`,
      [id, changes.email ?? null, changes.passwordHash ?? null, changes.role ?? null],
    );
    return rows[0] ?? null;
  }

  async delete(em: EntityManager, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.users WHERE id = $1`, [id])).rowCount > 0;
  }
}
