import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { CollectionName, TenantManifest } from '../format/export-format';

export interface ExistingTenant {
  id: string;
  slug: string;
  plan: string;
  custom_domain: string | null;
}

export interface TenantImportRow {
  external_id: string;
  settings: Record<string, unknown>;
  completed_at: Date | null;
}

/** Our tables per collection (fixed names, never input). */
export const COLLECTION_TABLES: Record<CollectionName, string> = {
  users: 'cascade.users',
  workrooms: 'cascade.workrooms',
  resources: 'cascade.resources',
  files: 'cascade.files',
};

/** The value a user without an imported hash gets: no password verifies against it (not a supported hash). */
export const RESET_MARKER_PREFIX = '!reset$';

/**
 * The statements of tenant import/export that are not a collection's rows: the tenant itself, its
 * import record and the key map. Tenant-owned statements run after `actAsTenant` and name the
 * tenant (tenant_id = $1) as well, so on Citus each goes to the tenant's shard.
 */
export class ImportRepository {
  async findTenantBySlug(em: EntityManager, slug: string): Promise<ExistingTenant | null> {
    const { rows } = await sql<ExistingTenant>(em, `SELECT id, slug, plan, custom_domain FROM cascade.tenants WHERE slug = $1`, [slug]);
    return rows[0] ?? null;
  }

  async domainOwner(em: EntityManager, domain: string): Promise<string | null> {
    const { rows } = await sql<{ slug: string }>(em, `SELECT slug FROM cascade.tenants WHERE custom_domain = $1`, [domain]);
    return rows[0]?.slug ?? null;
  }

  async tenantIdTaken(em: EntityManager, id: string): Promise<boolean> {
    return (await sql(em, `SELECT 1 FROM cascade.tenants WHERE id = $1`, [id])).rowCount > 0;
  }

  async insertTenant(em: EntityManager, id: string, m: TenantManifest, plan: string): Promise<void> {
    await sql(em, `INSERT INTO cascade.tenants (id, slug, name, plan, status, custom_domain) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      m.slug,
      m.name,
      plan,
      m.status,
      m.custom_domain,
    ]);
  }

  async findImport(em: EntityManager, tenantId: string): Promise<TenantImportRow | null> {
    const { rows } = await sql<TenantImportRow>(
      em,
      `SELECT external_id, settings, completed_at FROM cascade.tenant_imports WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ?? null;
  }

  async insertImport(em: EntityManager, tenantId: string, externalId: string, settings: Record<string, unknown>): Promise<void> {
    await sql(em, `INSERT INTO cascade.tenant_imports (tenant_id, external_id, settings) VALUES ($1, $2, $3)`, [
      tenantId,
      externalId,
      JSON.stringify(settings),
    ]);
  }

  async markImportRunning(em: EntityManager, tenantId: string): Promise<void> {
    await sql(em, `UPDATE cascade.tenant_imports SET completed_at = NULL WHERE tenant_id = $1`, [tenantId]);
  }

  async markImportCompleted(em: EntityManager, tenantId: string): Promise<void> {
    await sql(em, `UPDATE cascade.tenant_imports SET completed_at = now() WHERE tenant_id = $1`, [tenantId]);
  }

  /** One import at a time per tenant: concurrent runs queue here, batch by batch. */
  async lockTenantImport(em: EntityManager, tenantId: string): Promise<void> {
    await sql(em, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`cascade.tenant-import:${tenantId}`]);
  }

  /** external_id → our id, for all keys of a collection or only the given ones. */
  async findKeys(em: EntityManager, tenantId: string, collection: CollectionName, externalIds?: string[]): Promise<Map<string, string>> {
    const { rows } = await sql<{ external_id: string; internal_id: string }>(
      em,
      `SELECT external_id, internal_id FROM cascade.import_keys
        WHERE tenant_id = $1 AND collection = $2 AND ($3::text[] IS NULL OR external_id = ANY($3))`,
      [tenantId, collection, externalIds ?? null],
    );
    return new Map(rows.map((r) => [r.external_id, r.internal_id]));
  }

  async insertKeys(
    em: EntityManager,
    tenantId: string,
    collection: CollectionName,
    keys: { external_id: string; internal_id: string }[],
  ): Promise<void> {
    await sql(
      em,
      `INSERT INTO cascade.import_keys (tenant_id, collection, external_id, internal_id)
       SELECT $1, $2, k.external_id, k.internal_id
         FROM jsonb_to_recordset($3::jsonb) AS k(external_id text, internal_id uuid)`,
      [tenantId, collection, JSON.stringify(keys)],
    );
  }

  /** Which of these ids a row of the collection already has (a record made another way). */
  async takenIds(em: EntityManager, tenantId: string, collection: CollectionName, ids: string[]): Promise<Set<string>> {
    const { rows } = await sql<{ id: string }>(
      em,
      `SELECT id FROM ${COLLECTION_TABLES[collection]} WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** email → id of the tenant's users. */
  async userEmails(em: EntityManager, tenantId: string): Promise<Map<string, string>> {
    const { rows } = await sql<{ email: string; id: string }>(em, `SELECT email, id FROM cascade.users WHERE tenant_id = $1`, [tenantId]);
    return new Map(rows.map((r) => [r.email, r.id]));
  }

  async usersNeedingReset(em: EntityManager, tenantId: string): Promise<string[]> {
    const { rows } = await sql<{ email: string }>(
      em,
      `SELECT email FROM cascade.users WHERE tenant_id = $1 AND starts_with(password_hash, $2) ORDER BY email`,
      [tenantId, RESET_MARKER_PREFIX],
    );
    return rows.map((r) => r.email);
  }
}
