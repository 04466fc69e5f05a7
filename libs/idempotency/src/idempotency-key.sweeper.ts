import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PeriodicJob } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { IDEMPOTENCY_POLICY } from './idempotency.policy';
import { IdempotencyKeyRepository } from './idempotency-key.repository';

export interface KeySweepReport {
  tenantKeysDeleted: number;
  platformKeysDeleted: number;
}

/**
 * Deletes keys past their 24 h. Reads already treat such keys as absent, so the sweep only
 * gives their storage back; running it late never lets a key answer longer. Runs every
 * IDEMPOTENCY_POLICY.sweepEveryMs from module init until shutdown; `sweep(now)` runs it for a
 * given instant (tests drive the clock, operators run it now). Several replicas may sweep at once.
 *
 * Tenant keys are under forced row-level security: like the upload sweeper, it visits tenants
 * one by one in a platform transaction, aiming the policies at each; it never reads across tenants.
 */
@Injectable()
export class IdempotencyKeySweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencySweeper');
  private readonly job = new PeriodicJob<KeySweepReport, Date>(
    (now) => this.run(now),
    (err) => this.logger.error(`sweep failed: ${err.message}`),
  );

  constructor(
    private readonly runner: TransactionRunner,
    private readonly keys: IdempotencyKeyRepository,
  ) {}

  onModuleInit(): void {
    this.job.start(IDEMPOTENCY_POLICY.sweepEveryMs, () => new Date());
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Concurrent calls share one run. */
  sweep(now: Date = new Date()): Promise<KeySweepReport> {
    return this.job.run(now);
  }

  private async run(now: Date): Promise<KeySweepReport> {
    const report: KeySweepReport = { tenantKeysDeleted: 0, platformKeysDeleted: 0 };
    report.platformKeysDeleted = await this.runner.run({ role: 'cascade_platform' }, (em) =>
      this.keys.deleteExpired(em, { kind: 'platform' }, now),
    );
    let after: string | undefined;
    for (;;) {
      const { tenants, deleted } = await this.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
        const ids = await this.keys.tenantIdsAfter(em, after, IDEMPOTENCY_POLICY.sweepTenantsPerTransaction);
        let n = 0;
        for (const tenantId of ids) {
          await tx.actAsTenant(tenantId);
          n += await this.keys.deleteExpired(em, { kind: 'tenant', tenantId }, now);
        }
        return { tenants: ids, deleted: n };
      });
      report.tenantKeysDeleted += deleted;
      if (tenants.length < IDEMPOTENCY_POLICY.sweepTenantsPerTransaction) break;
      after = tenants[tenants.length - 1];
    }
    if (report.tenantKeysDeleted || report.platformKeysDeleted) this.logger.log(`sweep: ${JSON.stringify(report)}`);
    return report;
  }
}
