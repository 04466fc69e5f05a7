import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@cascade/database';
import { objectKey, ObjectStorage, StagingArea } from '@cascade/storage';
import { FilesRepository } from './files.repository';

/**
 * The end of every deletion: rows already `deleting` (and holding nothing) lose their bytes —
 * staged and published alike — and only then their rows. If removing bytes fails, the rows stay
 * `deleting` with their lease, and the sweeper tries again once it runs out.
 */
@Injectable()
export class StoredFileReaper {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly files: FilesRepository,
    private readonly storage: ObjectStorage,
    private readonly staging: StagingArea,
  ) {}

  async reap(tenantId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    for (const id of ids) {
      await this.staging.discard(this.staging.pathFor(tenantId, id));
      await this.storage.remove(objectKey(tenantId, id));
    }
    await this.runner.run({ role: 'cascade_tenant', tenantId }, (em) => this.files.forget(em, tenantId, ids));
  }
}
