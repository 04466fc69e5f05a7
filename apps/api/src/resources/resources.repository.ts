import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, TableReader } from '@cascade/database';
import { RESOURCE_COLUMNS, ResourceView } from './resource.view';

/** Resources of the current tenant; row-level security scopes every statement. */
@Injectable()
export class ResourcesRepository {
  private readonly reader = new TableReader<ResourceView>('cascade.resources', RESOURCE_COLUMNS);

  async insert(em: EntityManager, r: { id: string; name: string; data: object; createdBy: string | null }): Promise<ResourceView> {
    const { rows } = await sql<ResourceView>(
      em,
      `INSERT INTO cascade.resources (tenant_id, id, name, data, created_by)
       VALUES (current_setting('app.current_tenant')::uuid, $1, $2, $3, $4) RETURNING ${RESOURCE_COLUMNS}`,
      [r.id, r.name, JSON.stringify(r.data), r.createdBy],
    );
    return rows[0];
  }

  findById(em: EntityManager, id: string): Promise<ResourceView | null> {
    return this.reader.byId(em, id);
  }

  listAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<ResourceView[]> {
    return this.reader.pageAfter(em, afterId, limit);
  }

  /** Name prefix search (case-insensitive); the pattern's wildcards are escaped, never interpreted. */
  async searchByNamePrefix(em: EntityManager, prefix: string, afterId: string | undefined, limit: number): Promise<ResourceView[]> {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const { rows } = await sql<ResourceView>(
      em,
      `SELECT ${RESOURCE_COLUMNS} FROM cascade.resources
        WHERE name ILIKE $1 || '%' AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [escaped, afterId ?? null, limit],
    );
    return rows;
  }

  async update(em: EntityManager, id: string, changes: { name?: string; data?: object }): Promise<ResourceView | null> {
    const { rows } = await sql<ResourceView>(
      em,
      `UPDATE cascade.resources SET name = coalesce($2, name), data = coalesce($3::jsonb, data), updated_at = now()
        WHERE id = $1 RETURNING ${RESOURCE_COLUMNS}`,
      [id, changes.name ?? null, changes.data === undefined ? null : JSON.stringify(changes.data)],
    );
    return rows[0] ?? null;
  }

  async delete(em: EntityManager, id: string): Promise<boolean> {
    return (await sql(em, `DELETE FROM cascade.resources WHERE id = $1`, [id])).rowCount > 0;
  }
}
