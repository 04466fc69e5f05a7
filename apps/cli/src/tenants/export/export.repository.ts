import { EntityManager } from 'typeorm';
import { isUuid } from '@cascade/core';
import { sql } from '@cascade/database';
import { CollectionName } from '../format/export-format';
import { COLLECTION_TABLES } from '../import/import.repository';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  plan: string;
  status: 'active' | 'suspended';
  custom_domain: string | null;
}

/** A row of a collection with the external_id it was imported under (null when it was not). */
export type KeyedRow = Record<string, unknown> & { id: string; external_id: string | null };

/** Fixed column lists per collection (never input). Files: only those whose bytes are complete. */
const EXPORTED: Record<CollectionName, { columns: string; where?: string }> = {
  users: { columns: 'email, role, password_hash, created_at, updated_at' },
  workrooms: { columns: 'name, created_by, created_at' },
  resources: { columns: 'name, data, created_by, created_at, updated_at' },
  files: { columns: 'filename, content_type, size, sha256, created_by, created_at', where: `status = 'ready'` },
};

/** Reads a tenant for export, page by page in id order, under its row-level policies. */
export class ExportRepository {
  async findTenant(em: EntityManager, idOrSlug: string): Promise<TenantRow | null> {
    const value = idOrSlug.toLowerCase();
    const { rows } = await sql<TenantRow>(
      em,
      `SELECT id, slug, name, plan, status, custom_domain FROM cascade.tenants WHERE ${isUuid(value) ? 'id = $1::uuid' : 'slug = $1'}`,
      [value],
    );
    return rows[0] ?? null;
  }

  async count(em: EntityManager, tenantId: string, collection: CollectionName): Promise<number> {
    const { where } = EXPORTED[collection];
    const { rows } = await sql<{ n: string }>(
      em,
      `SELECT count(*) AS n FROM ${COLLECTION_TABLES[collection]} WHERE tenant_id = $1 ${where ? `AND ${where}` : ''}`,
      [tenantId],
    );
    return Number(rows[0].n);
  }

  async page(em: EntityManager, tenantId: string, collection: CollectionName, afterId: string | null, limit: number): Promise<KeyedRow[]> {
    const { columns, where } = EXPORTED[collection];
    const qualified = columns
      .split(', ')
      .map((c) => `r.${c}`)
      .join(', ');
    const { rows } = await sql<KeyedRow>(
      em,
      `SELECT r.id, ${qualified}, k.external_id
         FROM ${COLLECTION_TABLES[collection]} r
         LEFT JOIN cascade.import_keys k ON k.tenant_id = r.tenant_id AND k.collection = $2 AND k.internal_id = r.id
        WHERE r.tenant_id = $1 AND ($3::uuid IS NULL OR r.id > $3) ${where ? `AND r.${where}` : ''}
        ORDER BY r.id LIMIT $4`,
      [tenantId, collection, afterId, limit],
    );
    return rows;
  }
}
