import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { decodeCursor, notFound, Page, toPage } from '@cascade/core';
import { ScopedTransaction, TransactionRunner, TransactionScope } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { objectKey, ObjectStorage } from '@cascade/storage';
import { FileView, toFileView } from './file.view';
import { FILES_POLICY } from './files.policy';
import { FilesRepository } from './files.repository';
import { StoredFileReaper } from './stored-file.reaper';

const tenantScope = (tenantId: string): TransactionScope => ({ role: 'cascade_tenant', tenantId });

/**
 * Reading and deleting files. Metadata reads run on the request's transaction; anything that
 * moves bytes uses short transactions of its own, so no connection is held while bytes stream.
 */
@Injectable()
export class FilesService {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly runner: TransactionRunner,
    private readonly files: FilesRepository,
    private readonly ledger: QuotaLedger,
    private readonly storage: ObjectStorage,
    private readonly reaper: StoredFileReaper,
  ) {}

  async list(em: EntityManager, tenantId: string, limit: number, cursor?: string): Promise<Page<FileView>> {
    return toPage(await this.files.listReadyAfter(em, tenantId, decodeCursor(cursor), limit + 1), limit, toFileView);
  }

  async get(em: EntityManager, tenantId: string, id: string): Promise<FileView> {
    const row = await this.files.findReady(em, tenantId, id);
    if (!row) throw notFound();
    return toFileView(row);
  }

  /** Metadata in a transaction of its own that ends before any byte is read. */
  describe(tenantId: string, id: string): Promise<FileView> {
    return this.runner.run(tenantScope(tenantId), (em) => this.get(em, tenantId, id));
  }

  /** A ready file's bytes. A missing object here is a fault (500), not a 404: the row says it exists. */
  open(tenantId: string, file: FileView): Promise<Readable> {
    return this.storage.open(objectKey(tenantId, file.id));
  }

  /**
   * The file leaves the API and the tenant's usage in one transaction (with the request's audit
   * event, written by `recordSuccess`), then its bytes go, then
   * its row. If the bytes cannot be removed now the answer is still 204 — the file is gone for
   * the tenant and its quota — and the sweeper removes them once the row's lease runs out.
   */
  async remove(tenantId: string, id: string, recordSuccess: (tx: ScopedTransaction) => Promise<void>): Promise<void> {
    await this.runner.run(tenantScope(tenantId), async (em, tx) => {
      const held = await this.files.retire(em, tenantId, id, FILES_POLICY.leaseSeconds);
      if (held === null) throw notFound();
      if (held > 0) await this.ledger.release(em, tenantId, 'storage_bytes', held);
      await recordSuccess(tx);
    });
    await this.reaper.reap(tenantId, [id]).catch((err: Error) => {
      this.logger.warn(`file ${id}: bytes not removed yet (${err.message}); the sweeper retries`);
    });
  }
}
