import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { blockingFolder, embeddedLayout, EmbeddedLayout } from './embedded-layout';
import { EmbeddedPostgresError } from './embedded-postgres.error';

export { EmbeddedPostgresError } from './embedded-postgres.error';

export interface EmbeddedDatabase {
  /** Superuser URL of the database `database` on the embedded server. */
  url: string;
  port: number;
  /** The postmaster's process id. */
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Password, state and (when reachable) data; default ./.cascade/pg. */
  dir?: string;
  database?: string;
  /** false: the data folder is removed on stop (tests). */
  persistent?: boolean;
  /** Tried first when free (the last run's port, so URLs stay the same across restarts). */
  port?: number;
  log?: (line: string) => void;
}

export const DEFAULT_EMBEDDED_DIR = '.cascade/pg';

/** Asks the kernel for a port nobody listens on (never assume 5432: a laptop may run PostgreSQL). */
export function freePort(preferred = 0): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', (err) => (preferred ? freePort(0).then(resolvePort, reject) : reject(err)));
    srv.listen(preferred, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The embedded superuser's password, generated once into `<dir>/password` (0600). */
export function embeddedPassword(dir: string): string {
  const file = join(dir, 'password');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export const embeddedUrl = (password: string, port: number, database: string) =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** Starts one of PostgreSQL's programs as the layout's OS user, in the C locale for its messages. */
function spawnPg(layout: EmbeddedLayout, program: string, args: string[]): ChildProcess {
  return spawn(join(layout.binDir, program), args, { ...(layout.runAs ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function spawnFailure(layout: EmbeddedLayout, program: string, err: NodeJS.ErrnoException): EmbeddedPostgresError {
  const blocked = layout.runAs ? blockingFolder(join(layout.binDir, program), layout.runAs) : undefined;
  if (blocked) return new EmbeddedPostgresError(`the embedded PostgreSQL runs as the OS user postgres, which cannot enter ${blocked}: run chmod o+x ${blocked}, or set DATABASE_URL`);
  return new EmbeddedPostgresError(`cannot run ${join(layout.binDir, program)} (${err.code ?? err.message}): run npm ci again, or set DATABASE_URL`);
}

const lastLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /FATAL|ERROR|error|could not|failed/i.test(l))
    .pop() ?? text.trim().split('\n').pop() ?? '';

async function initialise(layout: EmbeddedLayout, password: string): Promise<void> {
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  if (layout.runAs) chownSync(layout.dataDir, layout.runAs.uid, layout.runAs.gid);
  // initdb reads the password file as the OS user: beside the data folder, readable by it alone.
  const pwfile = join(dirname(layout.dataDir), `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (layout.runAs) chownSync(pwfile, layout.runAs.uid, layout.runAs.gid);
  try {
    await new Promise<void>((done, fail) => {
      const child = spawnPg(layout, 'initdb', [
        `--pgdata=${layout.dataDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ]);
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout?.resume();
      child.once('error', (err) => fail(spawnFailure(layout, 'initdb', err)));
      child.once('close', (code) =>
        code === 0 ? done() : fail(new EmbeddedPostgresError(`initdb failed in ${layout.dataDir}: ${lastLine(stderr)}; set DATABASE_URL to use another PostgreSQL`)),
      );
    });
  } catch (err) {
    rmSync(layout.dataDir, { recursive: true, force: true }); // a half-made cluster would fail every later start
    throw err;
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** The postmaster that holds the data folder's lock, if its pid file names a live process. */
export function postmasterPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function launch(layout: EmbeddedLayout, port: number): Promise<ChildProcess> {
  return new Promise((done, fail) => {
    const child = spawnPg(layout, 'postgres', [
      '-D',
      layout.dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ]);
    let stderr = '';
    child.stdout?.resume();
    child.stderr?.on('data', (c: Buffer) => {
      const text = c.toString();
      if (stderr.length < 20000) stderr += text;
      if (text.includes('ready to accept connections')) done(child);
    });
    child.once('error', (err) => fail(spawnFailure(layout, 'postgres', err)));
    child.once('exit', () => {
      const holder = postmasterPid(layout.dataDir);
      if (/lock file .*postmaster\.pid.* already exists/.test(stderr) && holder) {
        fail(new EmbeddedPostgresError(`the embedded data in ${layout.dataDir} is in use by another PostgreSQL (pid ${holder}): stop it (kill ${holder}) or wait for the command using it`));
      } else if (/could not bind|Address already in use/i.test(stderr)) {
        fail(new PortTaken(port));
      } else {
        fail(new EmbeddedPostgresError(`the embedded PostgreSQL stopped at start: ${lastLine(stderr)}`));
      }
    });
  });
}

class PortTaken extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is taken`);
  }
}

function stopper(child: ChildProcess, layout: EmbeddedLayout, persistent: boolean): () => Promise<void> {
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit); // never leave a server behind when the process ends without stop()
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill('SIGINT'); // fast shutdown: sessions end, the lock is released
        const timer = setTimeout(() => child.kill('SIGQUIT'), 10000);
        await exited;
        clearTimeout(timer);
      }
      if (!persistent) rmSync(layout.dataDir, { recursive: true, force: true });
    })());
}

/**
 * Starts the real PostgreSQL shipped by the `embedded-postgres` package's binaries, with its
 * password under `dir` (default ./.cascade/pg), on a free port, listening on 127.0.0.1 only.
 * Run as root it runs as the OS user `postgres` (see embeddedLayout for where the data then
 * lives). Every expected failure is an EmbeddedPostgresError with a one-line message.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const dir = resolve(opts.dir ?? DEFAULT_EMBEDDED_DIR);
  mkdirSync(dir, { recursive: true });
  const layout = embeddedLayout(dir);
  for (const note of layout.notes) opts.log?.(note);
  const password = embeddedPassword(dir);
  if (!existsSync(join(layout.dataDir, 'PG_VERSION'))) await initialise(layout, password);
  let child: ChildProcess | undefined;
  let port = await freePort(opts.port);
  for (let attempt = 0; !child; attempt++) {
    try {
      child = await launch(layout, port);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= 2) throw err instanceof PortTaken ? new EmbeddedPostgresError(err.message) : err;
      port = await freePort();
    }
  }
  const stop = stopper(child, layout, opts.persistent ?? true);
  const database = opts.database ?? 'cascade';
  try {
    const client = new Client({ connectionString: embeddedUrl(password, port, 'postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: embeddedUrl(password, port, database), port, pid: child.pid as number, dataDir: layout.dataDir, stop };
}

/** Removes a file if it is there (state files, pointers). */
export function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
