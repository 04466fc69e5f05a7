import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EntityManager } from 'typeorm';
import {
  CITUS_SETTINGS_SQL,
  CITUS_WORKERS_SQL,
  citusSettingsFromRow,
  citusSettingsProblems,
  CitusWorker,
  citusWorkersFromRows,
  sql,
  TransactionRunner,
} from '@cascade/database';

/** How long one worker's connection check may take (a probe's whole budget is a few seconds). */
const WORKER_CONNECT_TIMEOUT = '1s';
/**
 * How long a worker report is reused: a probe every few seconds on every pod would otherwise open
 * a connection to every worker each time — pods × workers connections per probe period.
 */
const WORKER_REPORT_TTL_MS = 30_000;

/**
 * Readiness in DB_MODE=citus. A condition: the database is a Citus coordinator with
 * `citus.propagate_set_commands = 'local'` as the app's own sessions see it — without it no
 * request can work (the workers would see no tenant), on every pod alike. Reported, not a
 * condition: the active workers and whether this pod reaches each, connecting as
 * cascade_platform exactly as a request's worker connections do (LOGIN, pg_dist_authinfo,
 * the workers' pg_hba.conf). A worker that is down fails only the tenants whose shards it holds;
 * taking every pod out of the Service for it would turn that into a full outage (the same reason
 * Redis is only reported).
 */
@Injectable()
export class CitusHealthIndicator {
  private workerReport?: { workers: CitusWorker[]; at: number };

  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly runner: TransactionRunner,
  ) {}

  async check(key: string) {
    const i = this.indicator.check(key);
    try {
      return await this.runner.run({ role: 'cascade_platform', readOnly: true }, async (em) => {
        const settings = citusSettingsFromRow(
          (await sql<{ extension_version: string | null; propagate_set_commands: string | null }>(em, CITUS_SETTINGS_SQL)).rows[0],
        );
        const problems = citusSettingsProblems(settings);
        if (problems.length > 0) return i.down({ message: problems[0] });
        const workers = await this.workers(em);
        return i.up({
          version: settings.extensionVersion,
          workers: { total: workers.length, reachable: workers.filter((w) => w.reachable).length, nodes: workers },
        });
      });
    } catch {
      return i.down({ message: 'cannot read the Citus settings' });
    }
  }

  private async workers(em: EntityManager): Promise<CitusWorker[]> {
    if (this.workerReport && Date.now() - this.workerReport.at < WORKER_REPORT_TTL_MS) return this.workerReport.workers;
    await sql(em, `SET LOCAL citus.node_connection_timeout = '${WORKER_CONNECT_TIMEOUT}'`);
    const workers = citusWorkersFromRows(
      (await sql<{ node_name: string; node_port: number; reachable: boolean | null }>(em, CITUS_WORKERS_SQL)).rows,
    );
    this.workerReport = { workers, at: Date.now() };
    return workers;
  }
}
