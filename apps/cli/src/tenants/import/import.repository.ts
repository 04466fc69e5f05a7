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
 * import record and the key map. Tenant-owned statements run after `actAsTenant`, so row-level
 * security picks the tenant and tenant_id comes from the transaction's own setting.
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

  async findImport(em: EntityManager): Promise<TenantImportRow | null> {
    const { rows } = await sql<TenantImportRow>(em, `SELECT external_id, settings, completed_at FROM cascade.tenant_imports`);
    return rows[0] ?? null;
  }

  async insertImport(em: EntityManager, externalId: string, settings: Record<string, unknown>): Promise<void> {
    await sql(
      em,
      `INSERT INTO cascade.tenant_imports (tenant_id, external_id, settings) VALUES (current_setting('app.current_tenant')::uuid, $1, $2)`,
      [externalId, JSON.stringify(settings)],
    );
  }

  async markImportRunning(em: EntityManager): Promise<void> {
    await sql(em, `UPDATE cascade.tenant_imports SET completed_at = NULL`);
  }

  async markImportCompleted(em: EntityManager): Promise<void> {
    await sql(em, `UPDATE cascade.tenant_imports SET completed_at = now()`);
  }

  /** One import at a time per tenant: concurrent runs queue here, batch by batch. */
  async lockTenantImport(em: EntityManager, tenantId: string): Promise<void> {
    await sql(em, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`cascade.tenant-import:${tenantId}`]);
  }

  /** external_id → our id, for all keys of a collection or only the given ones. */
  async findKeys(em: EntityManager, collection: CollectionName, externalIds?: string[]): Promise<Map<string, string>> {
    const { rows } = await sql<{ external_id: string; internal_id: string }>(
      em,
      `SELECT external_id, internal_id FROM cascade.import_keys WHERE collection = $1 AND ($2::text[] IS NULL OR external_id = ANY($2))`,
      [collection, externalIds ?? null],
    );
    return new Map(rows.map((r) => [r.external_id, r.internal_id]));
  }

  async insertKeys(em: EntityManager, collection: CollectionName, keys: { external_id: string; internal_id: string }[]): Promise<void> {
    await sql(
      em,
      `INSERT INTO cascade.import_keys (tenant_id, collection, external_id, internal_id)
       SELECT current_setting('app.current_tenant')::uuid, $1, k.external_id, k.internal_id
         FROM jsonb_to_recordset($2::jsonb) AS k(external_id text, internal_id uuid)`,
      [collection, JSON.stringify(keys)],
    );
  }

  /** Which of these ids a row of the collection already has (a record made another way). */
  async takenIds(em: EntityManager, collection: CollectionName, ids: string[]): Promise<Set<string>> {
    const { rows } = await sql<{ id: string }>(em, `SELECT id FROM ${COLLECTION_TABLES[collection]} WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** email → id of the tenant's users. */
  async userEmails(em: EntityManager): Promise<Map<string, string>> {
    const { rows } = await sql<{ email: string; id: string }>(em, `SELECT email, id FROM cascade.users`);
    return new Map(rows.map((r) => [r.email, r.id]));
  }

  async usersNeedingReset(em: EntityManager): Promise<string[]> {
    const { rows } = await sql<{ email: string }>(
      em,
      `SELECT email FROM cascade.users WHERE starts_with(password_hash, $1) ORDER BY email`,
      [RESET_MARKER_PREFIX],
    );
    return rows.map((r) => r.email);
  }
}
