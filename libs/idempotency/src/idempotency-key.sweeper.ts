import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
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
  private timer?: NodeJS.Timeout;
  private running?: Promise<KeySweepReport>;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly keys: IdempotencyKeyRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: Error) => this.logger.error(`sweep failed: ${err.message}`));
    }, IDEMPOTENCY_POLICY.sweepEveryMs);
    this.timer.unref();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined); // its failure was already reported to its caller
  }

  /** Concurrent calls share one run. */
  sweep(now: Date = new Date()): Promise<KeySweepReport> {
    this.running ??= this.run(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
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
