import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { isUuid } from '@cascade/core';
import { ObjectKey, tenantPrefix, TENANTS_PREFIX } from '../object-key';
import { ObjectMissingError, ObjectStorage, StagedFile } from '../object-storage';

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Objects as files at `STORAGE_ROOT/tenants/<tenant_id>/<file_id>`. A staged file (already
 * fsynced, in `STORAGE_ROOT/tmp`) is published by one rename, so a reader sees the whole file or
 * none of it; the directory is fsynced so the rename survives a crash.
 */
export class LocalObjectStorage extends ObjectStorage {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(storageRoot: string) {
    super();
    this.root = resolve(storageRoot);
  }

  async putStaged(key: ObjectKey, staged: StagedFile): Promise<void> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    // The root keeps the operator's permissions; only what CASCADE creates below it is private.
    await mkdir(this.root, { recursive: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await rename(staged.path, target);
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async open(key: ObjectKey): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) throw new ObjectMissingError(key);
      throw err;
    }
  }

  async sizeOf(key: ObjectKey): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async remove(key: ObjectKey): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async purgeTenant(tenantId: string): Promise<void> {
    await rm(join(this.root, tenantPrefix(tenantId)), { recursive: true, force: true });
  }

  async tenantsWithObjects(): Promise<string[]> {
    try {
      return (await readdir(join(this.root, TENANTS_PREFIX))).filter(isUuid);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  private pathOf(key: ObjectKey): string {
    return join(this.root, ...key.split('/'));
  }
}
