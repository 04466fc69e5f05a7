'use strict';
// The benchmark's database: a fresh `cascade_bench_<ts>` on the PostgreSQL named by DATABASE_URL
// (a superuser URL), else on an embedded server started for this run. Migrated by the CLI, with
// an authenticator login like production's (LOGIN NOINHERIT, member of the request roles, no
// grants of its own). Everything is dropped at the end.
const { randomBytes } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..', '..');

function withDatabase(url, database, user, password) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user !== undefined) {
    u.username = user;
    u.password = password;
  }
  return u.toString();
}

async function withClient(url, work) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * @returns {{ serverUrl, superUrl, appUrl, database, role, embedded, pgStatStatements, serverVersion, cleanup }}
 */
async function preparePostgres({ runId, log }) {
  let serverUrl = process.env.DATABASE_URL;
  let embedded = null;
  const embeddedDir = path.join(ROOT, `.cascade/bench-pg-${process.pid}`);
  if (!serverUrl) {
    const { startEmbeddedPostgres } = require(path.join(ROOT, 'dist/libs/database/src/embedded-postgres.js'));
    log('DATABASE_URL is unset: starting an embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dir: embeddedDir, database: 'postgres', persistent: false });
    serverUrl = embedded.url;
  }
  const database = `cascade_bench_${runId}`;
  const role = `cascade_bench_app_${runId}`;
  const password = randomBytes(18).toString('hex');
  const superUrl = withDatabase(serverUrl, database);
  const appUrl = withDatabase(serverUrl, database, role, password);

  let created = false;
  const cleanup = async () => {
    try {
      if (created) {
        await withClient(withDatabase(serverUrl, 'postgres'), async (c) => {
          await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
          await c.query(`DROP ROLE IF EXISTS "${role}"`);
        });
      }
    } finally {
      if (embedded) {
        await embedded.stop();
        rmSync(embeddedDir, { recursive: true, force: true });
      }
    }
  };

  try {
    await withClient(withDatabase(serverUrl, 'postgres'), async (c) => {
      await c.query(`CREATE DATABASE "${database}"`);
      created = true;
    });
    const migrate = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'migrate'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: superUrl,
        MIGRATION_DATABASE_URL: superUrl,
        JWT_SECRET: randomBytes(32).toString('hex'),
        REDIS_URL: '',
      },
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`migrations failed: ${(migrate.stderr || migrate.stdout).trim()}`);
    log(`migrated: ${migrate.stdout.trim()}`);
    const info = await withClient(superUrl, async (c) => {
      await c.query(`CREATE ROLE "${role}" LOGIN NOINHERIT PASSWORD '${password}'`);
      await c.query(`GRANT cascade_tenant, cascade_platform TO "${role}"`);
      const version = (await c.query('SHOW server_version')).rows[0].server_version;
      const preload = (await c.query("SELECT current_setting('shared_preload_libraries') AS v")).rows[0].v;
      let pgStatStatements = false;
      if (/\bpg_stat_statements\b/.test(preload)) {
        await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
        pgStatStatements = true;
      }
      const maxConnections = Number((await c.query('SHOW max_connections')).rows[0].max_connections);
      return { version, pgStatStatements, maxConnections };
    });
    return {
      serverUrl,
      superUrl,
      appUrl,
      database,
      role,
      embedded: Boolean(embedded),
      serverVersion: info.version,
      pgStatStatements: info.pgStatStatements,
      maxConnections: info.maxConnections,
      cleanup,
    };
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

/** Backend pids serving the bench database (their CPU time is the database's share of a phase). */
async function backendPids(superUrl, database) {
  return withClient(superUrl, async (c) => {
    const { rows } = await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rows.map((r) => r.pid);
  });
}

/** Server-side statement statistics of this database, when pg_stat_statements is loaded. */
async function topStatements(superUrl, limit = 8) {
  return withClient(superUrl, async (c) => {
    const { rows } = await c.query(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query, calls, mean_exec_time, max_exec_time, total_exec_time
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      query: r.query,
      calls: Number(r.calls),
      mean_ms: Number(r.mean_exec_time),
      max_ms: Number(r.max_exec_time),
      total_ms: Number(r.total_exec_time),
    }));
  });
}

async function resetStatements(superUrl) {
  await withClient(superUrl, (c) => c.query('SELECT pg_stat_statements_reset()'));
}

module.exports = { preparePostgres, withClient, backendPids, topStatements, resetStatements };
