import { Readable } from 'node:stream';
import { StorageDriverName } from '@cascade/core';
import { ObjectKey } from './object-key';

/** A file completely written to the staging area, with what was measured while writing it. */
export interface StagedFile {
  path: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
  contentType: string;
}

/** An object that should exist but does not (the caller decides whether that is a 404 or a fault). */
export class ObjectMissingError extends Error {
  constructor(key: ObjectKey) {
    super(`Object ${key} does not exist`);
    this.name = 'ObjectMissingError';
  }
}

/**
 * Where file bytes live. One implementation per driver (local filesystem, S3-compatible); the
 * rest of the code only sees this class, which is also its injection token.
 */
export abstract class ObjectStorage {
  abstract readonly driver: StorageDriverName;

  /** Makes a staged file the object at `key`, all or nothing. The staged file is gone afterwards. */
  abstract putStaged(key: ObjectKey, staged: StagedFile): Promise<void>;

  /** The object's bytes as a stream; rejects with ObjectMissingError when there is no such object. */
  abstract open(key: ObjectKey): Promise<Readable>;

  /** The object's size, or null when it does not exist. */
  abstract sizeOf(key: ObjectKey): Promise<number | null>;

  /** Deletes one object; deleting a missing object is not an error. */
  abstract remove(key: ObjectKey): Promise<void>;

  /** Deletes every object of a tenant. Idempotent. */
  abstract purgeTenant(tenantId: string): Promise<void>;

  /** Tenants that have at least one object (to find bytes left behind by deleted tenants). */
  abstract tenantsWithObjects(): Promise<string[]>;

  /** Frees connections; the default has nothing to free. */
  async close(): Promise<void> {}
}
