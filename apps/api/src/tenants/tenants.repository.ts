import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, TableReader } from '@cascade/database';
import { TENANT_COLUMNS, TenantRecord } from '@cascade/tenancy';

/** Tenants, for platform administration (role cascade_platform). */
@Injectable()
export class TenantsRepository {
  private readonly reader = new TableReader<TenantRecord>('cascade.tenants', TENANT_COLUMNS);

  async insert(em: EntityManager, t: { id: string; slug: string; name: string; plan: string }): Promise<TenantRecord> {
    const { rows } = await sql<TenantRecord>(
      em,
      `INSERT INTO cascade.tenants (id, slug, name, plan) VALUES ($1, $2, $3, $4) RETURNING ${TENANT_COLUMNS}`,
      [t.id, t.slug, t.name, t.plan],
    );
    return rows[0];
  }

  findById(em: EntityManager, id: string): Promise<TenantRecord | null> {
    return this.reader.byId(em, id);
  }

  listAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<TenantRecord[]> {
    return this.reader.pageAfter(em, afterId, limit);
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
