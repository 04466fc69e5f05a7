import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, TableReader } from '@cascade/database';
import { RESOURCE_COLUMNS, ResourceView } from './resource.view';

/** Resources of a tenant: every statement names it (tenant_id = $1) and row-level security scopes it too. */
@Injectable()
export class ResourcesRepository {
  private readonly reader = new TableReader<ResourceView>('cascade.resources', RESOURCE_COLUMNS);

  async insert(
    em: EntityManager,
    tenantId: string,
    r: { id: string; name: string; data: object; createdBy: string | null },
  ): Promise<ResourceView> {
    const { rows } = await sql<ResourceView>(
      em,
      `INSERT INTO cascade.resources (tenant_id, id, name, data, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${RESOURCE_COLUMNS}`,
      [tenantId, r.id, r.name, JSON.stringify(r.data), r.createdBy],
    );
    return rows[0];
  }

  findById(em: EntityManager, tenantId: string, id: string): Promise<ResourceView | null> {
    return this.reader.byId(em, tenantId, id);
  }

  listAfter(em: EntityManager, tenantId: string, afterId: string | undefined, limit: number): Promise<ResourceView[]> {
    return this.reader.pageAfter(em, tenantId, afterId, limit);
  }

  /** Name prefix search (case-insensitive); the pattern's wildcards are escaped, never interpreted. */
  async searchByNamePrefix(
    em: EntityManager,
    tenantId: string,
    prefix: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<ResourceView[]> {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const { rows } = await sql<ResourceView>(
      em,
      `SELECT ${RESOURCE_COLUMNS} FROM cascade.resources
        WHERE tenant_id = $1 AND name ILIKE $2 || '%' AND ($3::uuid IS NULL OR id > $3) ORDER BY id LIMIT $4`,
      [tenantId, escaped, afterId ?? null, limit],
    );
    return rows;
  }

  async update(em: EntityManager, tenantId: string, id: string, changes: { name?: string; data?: object }): Promise<ResourceView | null> {
    const { rows } = await sql<ResourceView>(
      em,
      `UPDATE cascade.resources SET name = coalesce($3, name), data = coalesce($4::jsonb, data), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 RETURNING ${RESOURCE_COLUMNS}`,
      [tenantId, id, changes.name ?? null, changes.data === undefined ? null : JSON.stringify(changes.data)],
    );
    return rows[0] ?? null;
  }

  async delete(em: EntityManager, tenantId: string, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.resources WHERE tenant_id = $1 AND id = $2`, [tenantId, id])).rowCount > 0;
  }
}
