import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { API_KEY_VIEW_COLUMNS, ApiKeyView } from './api-key.view';

/** API keys of the request's tenant; every statement names the tenant (RLS filters too). */
@Injectable()
export class ApiKeysRepository {
  async insert(
    em: EntityManager,
    tenantId: string,
    key: { id: string; name: string; role: string; hash: Buffer; createdBy: string | null; expiresAt: string | null },
  ): Promise<ApiKeyView> {
    const { rows } = await sql<ApiKeyView>(
      em,
      `INSERT INTO cascade.api_keys (tenant_id, id, name, role, secret_hash, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${API_KEY_VIEW_COLUMNS}`,
      [tenantId, key.id, key.name, key.role, key.hash, key.createdBy, key.expiresAt],
    );
    return rows[0];
  }

  async pageAfter(em: EntityManager, tenantId: string, afterId: string | undefined, limit: number): Promise<ApiKeyView[]> {
    const { rows } = await sql<ApiKeyView>(
      em,
      `SELECT ${API_KEY_VIEW_COLUMNS} FROM cascade.api_keys
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [tenantId, afterId ?? null, limit],
    );
    return rows;
  }

  async findById(em: EntityManager, tenantId: string, id: string): Promise<ApiKeyView | null> {
    const { rows } = await sql<ApiKeyView>(em, `SELECT ${API_KEY_VIEW_COLUMNS} FROM cascade.api_keys WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async delete(em: EntityManager, tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await sql(em, `DELETE FROM cascade.api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rowCount === 1;
  }
}
