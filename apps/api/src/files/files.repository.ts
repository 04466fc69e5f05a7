import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { FILE_COLUMNS, FileRow } from './file.view';

/** SQL for "a lease of the seconds in parameter $n from now". */
const lease = (param: number) => `now() + make_interval(secs => $${param})`;

export interface ClaimedFile {
  id: string;
  /** Bytes the row held in the tenant's usage until it was claimed (to be released). */
  held: number;
}

/**
 * Files of a tenant: every statement names it (tenant_id = $1), and row-level security scopes
 * it too. A row's
 * `reserved_bytes` always equals what it holds in tenant_quotas.storage_bytes_used: every
 * statement that changes one says by how much, so the caller moves the counter by as much.
 */
@Injectable()
export class FilesRepository {
  async insertPending(
    em: EntityManager,
    tenantId: string,
    f: { id: string; filename: string; contentType: string; createdBy: string | null; leaseSeconds: number },
  ): Promise<void> {
    await sql(
      em,
      `INSERT INTO cascade.files (tenant_id, id, filename, content_type, created_by, lease_expires_at)
       VALUES ($1, $2, $3, $4, $5, ${lease(6)})`,
      [tenantId, f.id, f.filename, f.contentType, f.createdBy, f.leaseSeconds],
    );
  }

  /** Adds `moreBytes` to what a pending row holds and renews its lease; false once it is no longer pending. */
  async holdMore(em: EntityManager, tenantId: string, id: string, moreBytes: number, leaseSeconds: number): Promise<boolean> {
    const { rowCount } = await sql(
      em,
      `UPDATE cascade.files SET reserved_bytes = reserved_bytes + $3, lease_expires_at = ${lease(4)}, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
      [tenantId, id, moreBytes, leaseSeconds],
    );
    return rowCount === 1;
  }

  /** pending → ready, only if the row holds exactly the file's size. */
  async markReady(em: EntityManager, tenantId: string, id: string, size: number, sha256: string): Promise<FileRow | null> {
    const { rows } = await sql<FileRow>(
      em,
      `UPDATE cascade.files SET status = 'ready', size = $3, sha256 = $4, lease_expires_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'pending' AND reserved_bytes = $3 RETURNING ${FILE_COLUMNS}`,
      [tenantId, id, size, sha256],
    );
    return rows[0] ?? null;
  }

  /** Deletes a pending row; returns the bytes it held, or null if it is not pending (any more). */
  async deletePending(em: EntityManager, tenantId: string, id: string): Promise<number | null> {
    const { rows } = await sql<{ reserved_bytes: string }>(
      em,
      `DELETE FROM cascade.files WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING reserved_bytes`,
      [tenantId, id],
    );
    return rows[0] ? Number(rows[0].reserved_bytes) : null;
  }

  async findReady(em: EntityManager, tenantId: string, id: string): Promise<FileRow | null> {
    const { rows } = await sql<FileRow>(
      em,
      `SELECT ${FILE_COLUMNS} FROM cascade.files WHERE tenant_id = $1 AND id = $2 AND status = 'ready'`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async listReadyAfter(em: EntityManager, tenantId: string, afterId: string | undefined, limit: number): Promise<FileRow[]> {
    const { rows } = await sql<FileRow>(
      em,
      `SELECT ${FILE_COLUMNS} FROM cascade.files
        WHERE tenant_id = $1 AND status = 'ready' AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [tenantId, afterId ?? null, limit],
    );
    return rows;
  }

  /** ready → deleting: the file disappears from the API at once; returns the bytes it held, or null. */
  async retire(em: EntityManager, tenantId: string, id: string, leaseSeconds: number): Promise<number | null> {
    const { rows } = await sql<{ held: string }>(
      em,
      `WITH old AS (SELECT tenant_id, id, reserved_bytes FROM cascade.files WHERE tenant_id = $1 AND id = $2 AND status = 'ready' FOR UPDATE)
       UPDATE cascade.files f SET status = 'deleting', reserved_bytes = 0, lease_expires_at = ${lease(3)}, updated_at = now()
         FROM old WHERE f.tenant_id = $1 AND f.id = old.id
       RETURNING old.reserved_bytes AS held`,
      [tenantId, id, leaseSeconds],
    );
    return rows[0] ? Number(rows[0].held) : null;
  }

  /**
   * Pending or deleting rows whose lease ran out (their request's process died): they become
   * `deleting` with a fresh lease for whoever finishes them, and hold nothing any more.
   * SKIP LOCKED lets several replicas sweep at once without waiting on each other.
   */
  async claimExpired(em: EntityManager, tenantId: string, leaseSeconds: number, limit: number): Promise<ClaimedFile[]> {
    const { rows } = await sql<{ id: string; held: string }>(
      em,
      `WITH due AS (
         SELECT tenant_id, id, reserved_bytes FROM cascade.files
          WHERE tenant_id = $1 AND status <> 'ready' AND lease_expires_at < now()
          ORDER BY lease_expires_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE cascade.files f SET status = 'deleting', reserved_bytes = 0, lease_expires_at = ${lease(2)}, updated_at = now()
         FROM due WHERE f.tenant_id = $1 AND f.id = due.id
       RETURNING f.id, due.reserved_bytes AS held`,
      [tenantId, leaseSeconds, limit],
    );
    return rows.map((r) => ({ id: r.id, held: Number(r.held) }));
  }

  /** The last step of a deletion, once the bytes are gone. */
  async forget(em: EntityManager, tenantId: string, ids: string[]): Promise<void> {
    await sql(em, `DELETE FROM cascade.files WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status = 'deleting'`, [tenantId, ids]);
  }

  /** Platform scope: tenant ids in id order, a page at a time (the sweeper visits each). */
  async tenantIdsAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      em,
      `SELECT id FROM cascade.tenants WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Platform scope: which of these tenant ids still exist. */
  async existingTenantIds(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const { rows } = await sql<{ id: string }>(em, `SELECT id FROM cascade.tenants WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }
}
