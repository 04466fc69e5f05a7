import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { TENANT_COLUMNS, TenantRecord } from '@cascade/tenancy';

/** Tenants, for platform administration (role cascade_platform). */
@Injectable()
export class TenantsRepository {
  async insert(em: EntityManager, t: { id: string; slug: string; name: string; plan: string }): Promise<TenantRecord> {
    const { rows } = await sql<TenantRecord>(
      em,
      `INSERT INTO cascade.tenants (id, slug, name, plan) VALUES ($1, $2, $3, $4) RETURNING ${TENANT_COLUMNS}`,
      [t.id, t.slug, t.name, t.plan],
    );
    return rows[0];
  }

  async findById(em: EntityManager, id: string): Promise<TenantRecord | null> {
    const { rows } = await sql<TenantRecord>(em, `SELECT ${TENANT_COLUMNS} FROM cascade.tenants WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async listAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<TenantRecord[]> {
    const { rows } = await sql<TenantRecord>(
      em,
      `SELECT ${TENANT_COLUMNS} FROM cascade.tenants WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    );
    return rows;
  }

  async update(
    em: EntityManager,
    id: string,
    changes: { name?: string; plan?: string; status?: string; customDomain?: string | null },
  ): Promise<TenantRecord | null> {
    const { rows } = await sql<TenantRecord>(
      em,
      `UPDATE cascade.tenants SET name = coalesce($2, name), plan = coalesce($3, plan), status = coalesce($4, status),
              custom_domain = CASE WHEN $5 THEN $6 ELSE custom_domain END, updated_at = now()
        WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
      [
        id,
        changes.name ?? null,
        changes.plan ?? null,
        changes.status ?? null,
        changes.customDomain !== undefined,
        changes.customDomain ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  /** Every tenant-owned row goes with it (ON DELETE CASCADE from each table's tenant_id). */
  async delete(em: EntityManager, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.tenants WHERE id = $1`, [id])).rowCount > 0;
  }
}
