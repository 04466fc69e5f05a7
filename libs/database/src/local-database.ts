import { lstatSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { embeddedDataCandidates } from './embedded-layout';
import { EmbeddedPostgresError } from './embedded-postgres.error';
import { DEFAULT_EMBEDDED_DIR, embeddedPassword, embeddedUrl, isAlive, postmasterPid, removeIfPresent, startEmbeddedPostgres } from './embedded-postgres';

/** What `npm start` records in `.cascade/pg/server.json` so the CLI finds its database. */
export interface LocalServerState {
  /** The postmaster's pid. */
  pid: number;
  port: number;
  dataDir: string;
  database: string;
  /** The process that started it (npm start). */
  owner: number;
  started_at: string;
}

export interface LocalDatabase {
  url: string;
  port: number;
  /** running: a server `npm start` (or another run) left running; started: started here, stopped by stop(). */
  source: 'running' | 'started';
  dataDir: string;
  stop(): Promise<void>;
}

const stateFile = (dir: string) => join(resolve(dir), 'server.json');

function readState(dir: string): LocalServerState | undefined {
  try {
    const s = JSON.parse(readFileSync(stateFile(dir), 'utf8')) as Partial<LocalServerState>;
    if (!Number.isInteger(s.pid) || !Number.isInteger(s.port) || typeof s.dataDir !== 'string' || typeof s.database !== 'string') return undefined;
    return s as LocalServerState;
  } catch {
    return undefined;
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The recorded server, if it still runs: its pid is alive, holds the data folder's lock, and
 * answers on the recorded port with the recorded password. Anything else is stale state: the
 * file is removed (and said so) rather than trusted.
 */
export async function findRunningLocalDatabase(
  opts: { dir?: string; log?: (line: string) => void } = {},
): Promise<{ url: string; state: LocalServerState } | undefined> {
  const dir = resolve(opts.dir ?? DEFAULT_EMBEDDED_DIR);
  const state = readState(dir);
  if (!state) {
    removeIfPresent(stateFile(dir));
    return undefined;
  }
  const url = embeddedUrl(embeddedPassword(dir), state.port, state.database);
  if (isAlive(state.pid) && postmasterPid(state.dataDir) === state.pid && (await answers(url))) return { url, state };
  removeIfPresent(stateFile(dir));
  opts.log?.(`removed stale ${stateFile(dir)} (PostgreSQL pid ${state.pid} on port ${state.port} no longer runs)`);
  return undefined;
}

/** The port the last run used, so a restart keeps the URL the CLI and the user saw. */
function lastPort(dir: string): number | undefined {
  try {
    const port = Number(readFileSync(join(dir, 'last-port'), 'utf8').trim());
    return Number.isInteger(port) && port > 1024 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local embedded database, for `npm start` (record: true) and the CLI when DATABASE_URL is
 * unset: the running one when there is one, else one started here. A server started here by
 * `npm start` is recorded in server.json until it stops; the CLI's own is never recorded (it
 * stops it when done, so nobody may come to depend on it).
 */
export async function openLocalDatabase(
  opts: { dir?: string; database?: string; record?: boolean; log?: (line: string) => void } = {},
): Promise<LocalDatabase> {
  const dir = resolve(opts.dir ?? DEFAULT_EMBEDDED_DIR);
  const running = await findRunningLocalDatabase({ dir, log: opts.log });
  if (running && opts.record && !isAlive(running.state.owner)) return adopt(dir, running.url, running.state, opts.log);
  if (running) {
    return { url: running.url, port: running.state.port, source: 'running', dataDir: running.state.dataDir, stop: async () => undefined };
  }
  const database = opts.database ?? 'cascade';
  const db = await startEmbeddedPostgres({ dir, database, port: lastPort(dir), log: opts.log });
  writeFileSync(join(dir, 'last-port'), `${db.port}\n`);
  if (opts.record) {
    const state: LocalServerState = { pid: db.pid, port: db.port, dataDir: db.dataDir, database, owner: process.pid, started_at: new Date().toISOString() };
    writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    url: db.url,
    port: db.port,
    source: 'started',
    dataDir: db.dataDir,
    stop: async () => {
      if (opts.record && readState(dir)?.pid === db.pid) removeIfPresent(stateFile(dir));
      await db.stop();
    },
  };
}

/**
 * The npm start that recorded this server is gone (killed with -9: PostgreSQL outlives it): the
 * new npm start takes the server over, records itself as its owner and stops it on exit.
 */
async function adopt(dir: string, url: string, state: LocalServerState, log?: (line: string) => void): Promise<LocalDatabase> {
  log?.(`the embedded PostgreSQL (pid ${state.pid}) outlived the npm start that started it (pid ${state.owner}): taking it over`);
  writeFileSync(stateFile(dir), `${JSON.stringify({ ...state, owner: process.pid }, null, 2)}\n`, { mode: 0o600 });
  return {
    url,
    port: state.port,
    source: 'running',
    dataDir: state.dataDir,
    stop: async () => {
      if (readState(dir)?.pid === state.pid) removeIfPresent(stateFile(dir));
      try {
        process.kill(state.pid, 'SIGINT'); // fast shutdown; not our child, so wait for its lock to go
      } catch {
        return;
      }
      const deadline = Date.now() + 10000;
      while (postmasterPid(state.dataDir) === state.pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

/**
 * Deletes the local embedded database's data (never anything a DATABASE_URL points at): refused
 * while a server uses it. Returns what was removed; the next start makes a fresh, empty one.
 */
export async function resetLocalDatabase(opts: { dir?: string } = {}): Promise<string[]> {
  const dir = resolve(opts.dir ?? DEFAULT_EMBEDDED_DIR);
  const running = await findRunningLocalDatabase({ dir });
  if (running) {
    throw new EmbeddedPostgresError(`the embedded PostgreSQL is running (pid ${running.state.pid}, port ${running.state.port}, started by pid ${running.state.owner}): stop npm start first`);
  }
  const removed: string[] = [];
  for (const data of embeddedDataCandidates(dir)) {
    let isDir = false;
    try {
      isDir = lstatSync(data).isDirectory(); // a symlink is not followed, nor removed as data
    } catch {
      continue;
    }
    if (!isDir) continue;
    const holder = postmasterPid(data);
    if (holder) throw new EmbeddedPostgresError(`the embedded data in ${data} is in use by PostgreSQL pid ${holder}: wait for the command using it, or stop it (kill ${holder})`);
    rmSync(data, { recursive: true, force: true });
    removed.push(data);
    if (data !== join(dir, 'data')) removeEmptyFolder(dirname(data)); // its runtime folder
  }
  for (const file of ['server.json', 'last-port', 'data-location']) {
    try {
      lstatSync(join(dir, file));
    } catch {
      continue;
    }
    removeIfPresent(join(dir, file));
    removed.push(join(dir, file));
  }
  return removed;
}

function removeEmptyFolder(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (someone else's files): kept
  }
}
