import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { CountedResource } from '@cascade/quotas';
import { CollectionName, RecordTypes } from '../format/export-format';
import { RESET_MARKER_PREFIX } from './import.repository';

export interface Row<C extends CollectionName> {
  id: string;
  record: RecordTypes[C];
}

export interface WriteContext {
  tenantId: string;
  /** users' external_id → our id, for `created_by`. */
  userIds: Map<string, string>;
  /** File records' paths are relative to it. */
  exportDir: string;
}

/** How one collection's new records become rows: its quota counter and its INSERT. */
export interface CollectionWriter<C extends CollectionName> {
  quota?: { resource: CountedResource; cost: (r: RecordTypes[C]) => number };
  /** Work outside the database before the quota is reserved and the rows inserted (file bytes). */
  prepare?(rows: Row<C>[], ctx: WriteContext): Promise<void>;
  insert(em: EntityManager, rows: Row<C>[], ctx: WriteContext): Promise<void>;
  /** Undoes `prepare` after the batch's transaction rolled back. */
  undo?(rows: Row<C>[], ctx: WriteContext): Promise<void>;
}

export const createdBy = (ctx: WriteContext, key: string | null) => (key === null ? null : (ctx.userIds.get(key) ?? null));

/** A column of an INSERT: read from the JSON recordset with its type, or computed by `value` (SQL over r.*). */
interface Column {
  name: string;
  type?: string;
  value?: string;
}

export const from = (name: string, type: string): Column => ({ name, type });
export const CREATED_AT: Column = { name: 'created_at', type: 'timestamptz', value: 'coalesce(r.created_at, now())' };
const UPDATED_AT: Column = { name: 'updated_at', type: 'timestamptz', value: 'coalesce(r.updated_at, r.created_at, now())' };

/**
 * Many rows in ONE statement: they travel as one JSON parameter that jsonb_to_recordset unpacks.
 * Table and columns are fixed in this file, never input; tenant_id travels as its own parameter
 * (Citus routes the INSERT by it).
 */
export function recordsetInsert<C extends CollectionName>(
  table: string,
  columns: Column[],
  toRow: (row: Row<C>, ctx: WriteContext) => object,
): CollectionWriter<C>['insert'] {
  const statement = `INSERT INTO cascade.${table} (tenant_id, ${columns.map((c) => c.name).join(', ')})
    SELECT $1, ${columns.map((c) => c.value ?? `r.${c.name}`).join(', ')}
      FROM jsonb_to_recordset($2::jsonb) AS r(${columns
        .filter((c) => c.type)
        .map((c) => `${c.name} ${c.type}`)
        .join(', ')})`;
  return async (em, rows, ctx) => {
    await sql(em, statement, [ctx.tenantId, JSON.stringify(rows.map((row) => toRow(row, ctx)))]);
  };
}

const users: CollectionWriter<'users'> = {
  quota: { resource: 'users', cost: () => 1 },
  insert: recordsetInsert(
    'users',
    [from('id', 'uuid'), from('email', 'text'), from('password_hash', 'text'), from('role', 'text'), CREATED_AT, UPDATED_AT],
    ({ id, record: u }) => ({
      ...u,
      id,
      // No hash to bring: a random value no password verifies against, until the user resets it.
      password_hash: u.password_hash ?? `${RESET_MARKER_PREFIX}${randomBytes(24).toString('base64url')}`,
    }),
  ),
};

const workrooms: CollectionWriter<'workrooms'> = {
  quota: { resource: 'workrooms', cost: () => 1 },
  insert: recordsetInsert(
    'workrooms',
    [from('id', 'uuid'), from('name', 'text'), from('created_by', 'uuid'), CREATED_AT],
    ({ id, record: w }, ctx) => ({
      ...w,
      id,
      created_by: createdBy(ctx, w.created_by),
    }),
  ),
};

const resources: CollectionWriter<'resources'> = {
  insert: recordsetInsert(
    'resources',
    [from('id', 'uuid'), from('name', 'text'), from('data', 'jsonb'), from('created_by', 'uuid'), CREATED_AT, UPDATED_AT],
    ({ id, record: r }, ctx) => ({ ...r, id, created_by: createdBy(ctx, r.created_by) }),
  ),
};

export const RECORD_WRITERS: { [C in Exclude<CollectionName, 'files'>]: CollectionWriter<C> } = { users, workrooms, resources };
