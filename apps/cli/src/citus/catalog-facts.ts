import { Client, QueryResultRow } from 'pg';
import { CITUS_SETTINGS_SQL, citusSettingsFromRow, CitusSettings, migrationNames } from '@cascade/database';
import { ForeignKeyFact, SCHEMA, TableFact, UniqueKeyFact } from './distribution-plan';
import { classify, CitusTableState, DistPartitionRow } from './distribution-state';

const rows = async <T extends QueryResultRow>(client: Client, text: string, params: unknown[] = []) =>
  (await client.query<T>(text, params)).rows;

/** The tables of schema `cascade` as the plan needs them, read from the catalog (plain PostgreSQL). */
export async function readTableFacts(client: Client): Promise<TableFact[]> {
  const tables = await rows<{ name: string; has_tenant_id: boolean }>(
    client,
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped) AS has_tenant_id
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1`,
    [SCHEMA],
  );
  const foreignKeys = await rows<{
    table: string;
    name: string;
    columns: string[];
    ref_schema: string;
    ref_table: string;
    ref_columns: string[];
  }>(
    client,
    `SELECT c.relname AS table, k.conname AS name, rn.nspname AS ref_schema, r.relname AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(attnum, i)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.i) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(attnum, i)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.i) AS ref_columns
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
      WHERE k.contype = 'f' AND n.nspname = $1
      ORDER BY 1, 2`,
    [SCHEMA],
  );
  const uniqueKeys = await rows<{ table: string; name: string; columns: (string | null)[] }>(
    client,
    `SELECT c.relname AS table, i.relname AS name,
            ARRAY(SELECT CASE WHEN u.attnum = 0 THEN NULL ELSE a.attname::text END
                    FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(attnum, pos)
                    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
                   WHERE u.pos <= x.indnkeyatts ORDER BY u.pos) AS columns
       FROM pg_index x
       JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indisunique AND n.nspname = $1
      ORDER BY 1, 2`,
    [SCHEMA],
  );
  const triggers = await rows<{ table: string; name: string }>(
    client,
    `SELECT c.relname AS table, t.tgname AS name
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND n.nspname = $1
      ORDER BY 1, 2`,
    [SCHEMA],
  );
  return tables.map((t) => ({
    name: t.name,
    hasTenantId: t.has_tenant_id,
    foreignKeys: foreignKeys
      .filter((k) => k.table === t.name)
      .map((k): ForeignKeyFact => ({
        name: k.name,
        columns: k.columns,
        referencedSchema: k.ref_schema,
        referencedTable: k.ref_table,
        referencedColumns: k.ref_columns,
      })),
    uniqueKeys: uniqueKeys.filter((k) => k.table === t.name).map((k): UniqueKeyFact => ({ name: k.name, columns: k.columns })),
    triggers: triggers.filter((k) => k.table === t.name).map((k) => k.name),
  }));
}

/** pg_dist_partition for schema `cascade`: only on a database with the citus extension. */
export async function readCitusTables(client: Client): Promise<CitusTableState[]> {
  const found = await rows<{ table: string; method: string; repmodel: string; colocation_id: number; column: string | null }>(
    client,
    `SELECT c.relname AS table, p.partmethod::text AS method, p.repmodel::text AS repmodel, p.colocationid AS colocation_id,
            CASE WHEN p.partmethod <> 'n' THEN column_to_column_name(p.logicalrelid, p.partkey) END AS column
       FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1
      ORDER BY 1`,
    [SCHEMA],
  );
  return found.map((r) =>
    classify({
      table: r.table,
      method: r.method,
      repmodel: r.repmodel,
      colocationId: Number(r.colocation_id),
      column: r.column,
    } satisfies DistPartitionRow),
  );
}

export interface ConnectionFacts {
  user: string;
  database: string;
  superuser: boolean;
  settings: CitusSettings;
  /** Migrations the code has and the database has not applied (all of them when the log is missing). */
  pendingMigrations: string[];
  /** False when cascade.migrations exists but this login may not read it (then nothing counts as applied). */
  migrationsReadable: boolean;
  appliedMigrations: number;
}

export async function readConnectionFacts(client: Client): Promise<ConnectionFacts> {
  const [who] = await rows<{ user: string; database: string; superuser: boolean }>(
    client,
    `SELECT current_user AS user, current_database() AS database, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
  );
  const [settings] = await rows<{ extension_version: string | null; propagate_set_commands: string | null }>(client, CITUS_SETTINGS_SQL);
  const [log] = await rows<{ readable: boolean | null }>(
    client,
    `SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE has_table_privilege(to_regclass($1), 'SELECT') END AS readable`,
    [`${SCHEMA}.migrations`],
  );
  const applied = log.readable
    ? new Set((await rows<{ name: string }>(client, `SELECT name FROM ${SCHEMA}.migrations`)).map((r) => r.name))
    : new Set<string>();
  const known = migrationNames();
  return {
    user: who.user,
    database: who.database,
    superuser: who.superuser,
    settings: citusSettingsFromRow(settings),
    pendingMigrations: known.filter((n) => !applied.has(n)),
    migrationsReadable: log.readable !== false,
    appliedMigrations: known.filter((n) => applied.has(n)).length,
  };
}

/** Active workers, by name, as the coordinator's metadata lists them. */
export async function readWorkers(client: Client): Promise<string[]> {
  return (
    await rows<{ node: string }>(client, `SELECT node_name || ':' || node_port AS node FROM citus_get_active_worker_nodes() ORDER BY 1`)
  ).map((r) => r.node);
}
