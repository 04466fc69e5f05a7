import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { objectKey } from '../object-key';
import { Checkpoints, MeteredCopy } from './metered-copy';

export interface StagedBytes {
  size: number;
  sha256: string;
}

const SUFFIX = '.part';

/**
 * `STORAGE_ROOT/tmp`: uploads are written here first, hashed and counted on the way, and only a
 * complete file is handed to the driver. It is a sibling of `STORAGE_ROOT/tenants`, so the local
 * driver publishes a file with one rename on the same filesystem. Staged names are derived from
 * our own ids (never from the client), so a sweeper can find the staged bytes of a dead upload.
 */
export class StagingArea {
  readonly dir: string;
  private ready?: Promise<unknown>;

  constructor(storageRoot: string) {
    this.dir = join(resolve(storageRoot), 'tmp');
  }

  pathFor(tenantId: string, fileId: string): string {
    const [, tenant, file] = objectKey(tenantId, fileId).split('/');
    return join(this.dir, `${tenant}.${file}${SUFFIX}`);
  }

  /** Streams `source` into a new file at `path` (never overwriting one), fsynced before it resolves. */
  async write(source: Readable, path: string, checkpoints?: Checkpoints): Promise<StagedBytes> {
    // The root keeps the operator's permissions; only the staging folder below it is private.
    this.ready ??= mkdir(dirname(this.dir), { recursive: true }).then(() => mkdir(this.dir, { recursive: true, mode: 0o700 }));
    await this.ready;
    const meter = new MeteredCopy(checkpoints);
    await pipeline(source, meter, createWriteStream(path, { flags: 'wx', mode: 0o600, flush: true }));
    return { size: meter.size, sha256: meter.digest() };
  }

  async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /** Deletes staged files untouched for `maxAgeMs` (left by a process that died mid-upload). */
  async sweepStale(maxAgeMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith(SUFFIX))) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > maxAgeMs) {
        await this.discard(path);
        removed++;
      }
    }
    return removed;
  }
}
