import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PeriodicJob } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { ObjectStorage, StagingArea } from '@cascade/storage';
import { FILES_POLICY } from './files.policy';
import { FilesRepository } from './files.repository';
import { StoredFileReaper } from './stored-file.reaper';

export interface SweepReport {
  /** Rows whose lease ran out (a dead upload or an unfinished delete), now gone with their bytes. */
  filesReaped: number;
  /** Quota bytes those rows held, given back to their tenants. */
  bytesReleased: number;
  stagedFilesRemoved: number;
  /** Tenants deleted from the database whose bytes were still in storage. */
  tenantsPurged: number;
}

const CLAIMS_PER_TENANT = 1000;

/**
 * Finishes what dead processes left: expired `pending` rows (the upload's process died) and
 * expired `deleting` rows (a delete whose bytes could not be removed), stale staged files, and
 * objects of tenants that no longer exist. Runs every FILES_POLICY.sweepEveryMs from module init
 * until shutdown; `sweep()` runs it now (tests, operators). Concurrent calls share one run;
 * several replicas may sweep at once (claims use SKIP LOCKED; deleting bytes is idempotent).
 *
 * Every tenant's rows are protected by row-level security, so the sweeper visits tenants one by
 * one in a platform transaction, aiming the policies at each (two round trips per tenant,
 * through the partial index of unfinished rows) — it never reads across tenants in one query.
 */
@Injectable()
export class UploadSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('FilesSweeper');
  private readonly job = new PeriodicJob<SweepReport>(
    () => this.run(),
    (err) => this.logger.error(`sweep failed: ${err.message}`),
  );

  constructor(
    private readonly runner: TransactionRunner,
    private readonly files: FilesRepository,
    private readonly ledger: QuotaLedger,
    private readonly reaper: StoredFileReaper,
    private readonly storage: ObjectStorage,
    private readonly staging: StagingArea,
  ) {}

  onModuleInit(): void {
    this.job.start(FILES_POLICY.sweepEveryMs, () => undefined);
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Stops the timer (tests that sweep by hand use this) and waits for a sweep in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  sweep(): Promise<SweepReport> {
    return this.job.run();
  }

  private async run(): Promise<SweepReport> {
    const report: SweepReport = { filesReaped: 0, bytesReleased: 0, stagedFilesRemoved: 0, tenantsPurged: 0 };
    let after: string | undefined;
    for (;;) {
      const { tenants, claims } = await this.claimExpiredPage(after);
      for (const claim of claims) {
        report.bytesReleased += claim.held;
        await this.reaper.reap(claim.tenantId, claim.ids);
        report.filesReaped += claim.ids.length;
      }
      if (tenants.length < FILES_POLICY.sweepTenantsPerTransaction) break;
      after = tenants[tenants.length - 1];
    }
    report.stagedFilesRemoved = await this.staging.sweepStale(FILES_POLICY.staleStagingMs);
    report.tenantsPurged = await this.purgeDeletedTenants();
    if (report.filesReaped || report.stagedFilesRemoved || report.tenantsPurged) this.logger.log(`sweep: ${JSON.stringify(report)}`);
    return report;
  }

  /** One platform transaction per page of tenants: claim each tenant's expired rows and release what they held. */
  private claimExpiredPage(after: string | undefined) {
    return this.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
      const tenants = await this.files.tenantIdsAfter(em, after, FILES_POLICY.sweepTenantsPerTransaction);
      const claims: { tenantId: string; ids: string[]; held: number }[] = [];
      for (const tenantId of tenants) {
        await tx.actAsTenant(tenantId);
        const claimed = await this.files.claimExpired(em, tenantId, FILES_POLICY.leaseSeconds, CLAIMS_PER_TENANT);
        if (!claimed.length) continue;
        const held = claimed.reduce((sum, c) => sum + c.held, 0);
        if (held > 0) await this.ledger.release(em, tenantId, 'storage_bytes', held);
        claims.push({ tenantId, ids: claimed.map((c) => c.id), held });
      }
      return { tenants, claims };
    });
  }

  /** Bytes of tenants deleted while a purge failed or an upload raced the deletion. */
  private async purgeDeletedTenants(): Promise<number> {
    const stored = await this.storage.tenantsWithObjects();
    if (!stored.length) return 0;
    const existing = await this.runner.run({ role: 'cascade_platform' }, (em) => this.files.existingTenantIds(em, stored));
    const gone = stored.filter((id) => !existing.has(id));
    for (const tenantId of gone) await this.storage.purgeTenant(tenantId);
    return gone.length;
  }
}
