import { EntityManager } from 'typeorm';
import { sql } from './sql';

/**
 * The two reads every tenant-owned collection has: one row by id, and a keyset page ordered by
 * the (time-ordered) id. Table and columns are fixed in code, never client input. Both name the
 * tenant (`tenant_id = $1`) although row-level security filters anyway: on Citus that predicate
 * routes the statement to the tenant's shard, and the planner uses the (tenant_id, id) key.
 */
export class TableReader<T> {
  constructor(
    private readonly table: string,
    private readonly columns: string,
  ) {}

  async byId(em: EntityManager, tenantId: string, id: string): Promise<T | null> {
    const { rows } = await sql<T>(em, `SELECT ${this.columns} FROM ${this.table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  async pageAfter(em: EntityManager, tenantId: string, afterId: string | undefined, limit: number): Promise<T[]> {
    const { rows } = await sql<T>(
      em,
      `SELECT ${this.columns} FROM ${this.table} WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [tenantId, afterId ?? null, limit],
    );
    return rows;
  }
}
