/**
 * What a Citus coordinator must have before CASCADE's requests may run on it. Read by
 * `cascade citus …` (as preconditions) and by readiness in DB_MODE=citus (as a condition), so
 * both say the same thing the same way.
 */
export interface CitusSettings {
  /** `extversion` of the citus extension in this database; null on plain PostgreSQL. */
  extensionVersion: string | null;
  /** `citus.propagate_set_commands` as this session sees it; null when Citus is not loaded. */
  propagateSetCommands: string | null;
}

/** One row: missing_ok `current_setting`, so plain PostgreSQL answers NULL instead of an error. */
export const CITUS_SETTINGS_SQL = `SELECT (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus') AS extension_version,
       current_setting('citus.propagate_set_commands', true) AS propagate_set_commands`;

export function citusSettingsFromRow(row: { extension_version: string | null; propagate_set_commands: string | null }): CitusSettings {
  return { extensionVersion: row.extension_version, propagateSetCommands: row.propagate_set_commands };
}

/**
 * Every unmet requirement, each saying what to set. `propagate_set_commands = 'local'` is what
 * carries the request's SET LOCAL role, tenant and timeout to the worker transactions: without
 * it a worker sees no tenant, so reads return nothing and writes fail row-level security.
 */
export function citusSettingsProblems(s: CitusSettings): string[] {
  if (s.extensionVersion === null) {
    return [
      `the citus extension is not installed in this database: on the coordinator, shared_preload_libraries = 'citus' (restart), then CREATE EXTENSION citus; in this database`,
    ];
  }
  if (s.propagateSetCommands !== 'local') {
    return [
      `citus.propagate_set_commands is "${s.propagateSetCommands ?? 'unset'}", must be "local" (the tenant is set with SET LOCAL): ALTER SYSTEM SET citus.propagate_set_commands = 'local'; SELECT pg_reload_conf(); then reconnect`,
    ];
  }
  return [];
}

/** The active workers and whether this session can open a connection to each, as its current role. */
export const CITUS_WORKERS_SQL = `SELECT node_name, node_port, citus_check_connection_to_node(node_name, node_port) AS reachable
  FROM citus_get_active_worker_nodes() ORDER BY node_name, node_port`;

export interface CitusWorker {
  node: string;
  reachable: boolean;
}

export function citusWorkersFromRows(rows: { node_name: string; node_port: number; reachable: boolean | null }[]): CitusWorker[] {
  return rows.map((r) => ({ node: `${r.node_name}:${r.node_port}`, reachable: r.reachable === true }));
}
