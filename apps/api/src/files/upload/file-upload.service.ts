import { Inject, Injectable, Logger } from '@nestjs/common';
import { IncomingMessage } from 'node:http';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { ObjectStorage, StagingArea } from '@cascade/storage';
import { FileView } from '../file.view';
import { FilesRepository } from '../files.repository';
import { readSingleFile } from './multipart-file.reader';
import { RecordSuccess, UploadDeps, UploadSession } from './upload-session';

/** POST /api/files: streams one multipart file into storage under the tenant's exact quota. */
@Injectable()
export class FileUploadService {
  private readonly logger = new Logger('Files');
  private readonly deps: UploadDeps;

  constructor(
    runner: TransactionRunner,
    ledger: QuotaLedger,
    files: FilesRepository,
    storage: ObjectStorage,
    staging: StagingArea,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.deps = { runner, ledger, files, storage, staging };
  }

  async upload(req: IncomingMessage, tenantId: string, createdBy: string | null, recordSuccess: RecordSuccess): Promise<FileView> {
    const session = new UploadSession(this.deps, tenantId, createdBy, recordSuccess, this.logger);
    try {
      await readSingleFile(req, { field: 'file', maxBytes: this.config.maxUploadBytes }, (part) => session.receive(part));
      return await session.commit();
    } catch (err) {
      await session.discard().catch((cleanupErr: Error) =>
        // What is left holds a lease: the sweeper finishes the clean-up once it runs out.
        this.logger.error(`upload ${session.id}: clean-up failed (${cleanupErr.message}); left to the sweeper`),
      );
      throw err;
    }
  }
}
