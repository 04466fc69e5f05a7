import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict, uuidv7 } from '@cascade/core';
import { ScopedTransaction, TransactionRunner, TransactionScope } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { ObjectKey, objectKey, ObjectStorage, StagedBytes, StagingArea } from '@cascade/storage';
import { FileView, toFileView } from '../file.view';
import { FILES_POLICY } from '../files.policy';
import { FilesRepository } from '../files.repository';
import { cleanContentType, cleanFilename } from '../http/file-headers';
import { FilePart } from './multipart-file.reader';

export interface UploadDeps {
  runner: TransactionRunner;
  ledger: QuotaLedger;
  files: FilesRepository;
  storage: ObjectStorage;
  staging: StagingArea;
}

/** Writes the request's audit event into the transaction that makes the file visible. */
export type RecordSuccess = (tx: ScopedTransaction, result: FileView) => Promise<void>;

const abandoned = () => conflict('conflict', 'The upload was abandoned before it completed; send it again');

/**
 * One upload, as a sequence of SHORT tenant transactions around the streaming — no database
 * connection is held while bytes move:
 *
 *   1. insert a `pending` row (holding 0 bytes, with a lease);
 *   2. stream the part into the staging area, hashing and counting; every `reserveEveryBytes`
 *      the stream pauses for a transaction that reserves exactly the bytes received since the
 *      last one (QuotaLedger.reserve: one conditional UPDATE, `used + n <= limit`) and adds them
 *      to the row;
 *   3. at the end, reserve the remainder (the row now holds exactly the file's size), publish
 *      the staged file as the object, and mark the row `ready` (with the audit event).
 *
 * Why reserve what ARRIVED rather than ahead of it: the part's size is unknown until its last
 * byte (the request's Content-Length also counts the multipart framing and other fields), so any
 * advance reservation is a guess, and a guess that is too big refuses uploads that fit (20 uploads
 * of 1 KiB into 10 KiB would reserve framing they never store). Reserving received bytes is exact:
 * the tenant's usage never counts a byte that was not sent, and never exceeds the limit, because
 * every increment passes the conditional UPDATE before the object exists. What is bounded instead
 * is the staging: an upload stages at most `reserveEveryBytes` beyond its reservation before it
 * learns that the tenant is full (and the upload as a whole is capped by MAX_UPLOAD_BYTES).
 *
 * Failure at any step (quota, 413, client gone, storage error) runs `discard()`: staged bytes
 * and any published object are deleted, then the row, releasing exactly what it held. A process
 * that dies mid-upload cannot do that: its row's lease runs out and the sweeper does it.
 */
export class UploadSession {
  readonly id = uuidv7();
  private readonly key: ObjectKey;
  private readonly stagedPath: string;
  private readonly scope: TransactionScope;
  private rowCreated = false;
  private staged?: StagedBytes & { contentType: string };
  private published = false;
  private finished = false;
  private held = 0;
  private renewal?: NodeJS.Timeout;
  private lost = false;

  constructor(
    private readonly deps: UploadDeps,
    private readonly tenantId: string,
    private readonly createdBy: string | null,
    private readonly recordSuccess: RecordSuccess,
    private readonly logger: Logger,
  ) {
    this.scope = { role: 'cascade_tenant', tenantId };
    this.key = objectKey(tenantId, this.id);
    this.stagedPath = deps.staging.pathFor(tenantId, this.id);
  }

  async receive(part: FilePart): Promise<void> {
    const contentType = cleanContentType(part.mimeType);
    await this.tx((em) =>
      this.deps.files.insertPending(em, this.tenantId, {
        id: this.id,
        filename: cleanFilename(part.filename),
        contentType,
        createdBy: this.createdBy,
        leaseSeconds: FILES_POLICY.leaseSeconds,
      }),
    );
    this.rowCreated = true;
    this.keepLeaseAlive();
    const bytes = await this.deps.staging.write(part.stream, this.stagedPath, {
      everyBytes: FILES_POLICY.reserveEveryBytes,
      onCheckpoint: (received) => this.holdUpTo(received),
    });
    this.staged = { ...bytes, contentType };
  }

  async commit(): Promise<FileView> {
    const staged = this.staged;
    if (!staged) throw new Error('commit() before the file was received');
    await this.holdUpTo(staged.size);
    await this.deps.storage.putStaged(this.key, { path: this.stagedPath, ...staged });
    this.published = true;
    this.stopRenewal();
    const view = await this.deps.runner.run(this.scope, async (em, tx) => {
      const row = await this.deps.files.markReady(em, this.tenantId, this.id, staged.size, staged.sha256);
      if (!row) throw abandoned();
      await this.recordSuccess(tx, toFileView(row));
      return toFileView(row);
    });
    this.finished = true;
    return view;
  }

  /** Undoes whatever happened so far; safe to call at any point, and more than once. */
  async discard(): Promise<void> {
    this.stopRenewal();
    if (this.finished) return;
    this.finished = true;
    await this.deps.staging.discard(this.stagedPath);
    if (this.published) await this.deps.storage.remove(this.key);
    if (!this.rowCreated) return;
    await this.tx(async (em) => {
      // null: the sweeper already took the row over (and released what it held).
      const held = await this.deps.files.deletePending(em, this.tenantId, this.id);
      if (held) await this.deps.ledger.release(em, this.tenantId, 'storage_bytes', held);
    });
  }

  /** Reserves the bytes received since the last reservation, so the row holds `received`. */
  private async holdUpTo(received: number): Promise<void> {
    if (this.lost) throw abandoned();
    const more = received - this.held;
    await this.tx(async (em) => {
      if (more > 0) await this.deps.ledger.reserve(em, this.tenantId, 'storage_bytes', more);
      if (!(await this.deps.files.holdMore(em, this.tenantId, this.id, more, FILES_POLICY.leaseSeconds))) throw abandoned();
    });
    this.held = received;
  }

  /** A slow client sends no bytes for a while: the lease must outlive it as long as this process does. */
  private keepLeaseAlive(): void {
    this.renewal = setInterval(() => {
      this.tx((em) => this.deps.files.holdMore(em, this.tenantId, this.id, 0, FILES_POLICY.leaseSeconds)).then(
        (stillPending) => {
          if (!stillPending) this.lost = true;
        },
        (err: Error) => this.logger.warn(`upload ${this.id}: lease renewal failed (${err.message}); retrying`),
      );
    }, FILES_POLICY.renewEveryMs);
    this.renewal.unref();
  }

  private stopRenewal(): void {
    clearInterval(this.renewal);
  }

  private tx<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.deps.runner.run(this.scope, work);
  }
}
