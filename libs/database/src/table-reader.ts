import { EntityManager } from 'typeorm';
import { sql } from './sql';

/**
 * The two reads every collection has: one row by id, and a keyset page ordered by the
 * (time-ordered) id. Table and columns are fixed in code, never client input; row-level
 * security decides which rows exist for the caller.
 */
export class TableReader<T> {
  constructor(
    private readonly table: string,
    private readonly columns: string,
  ) {}

  async byId(em: EntityManager, id: string): Promise<T | null> {
    const { rows } = await sql<T>(em, `SELECT ${this.columns} FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async pageAfter(em: EntityManager, afterId: string | undefined, limit: number): Promise<T[]> {
    const { rows } = await sql<T>(
      em,
      `SELECT ${this.columns} FROM ${this.table} WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    );
    return rows;
  }
}
