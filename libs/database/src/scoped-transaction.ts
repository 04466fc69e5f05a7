import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isUuid } from '@cascade/core';

export type DbRole = 'cascade_tenant' | 'cascade_platform';

export interface TransactionScope {
  role: DbRole;
  /** The tenant every row-level policy compares with; none means "no rows visible". */
  tenantId?: string;
}

type PgQueryRunner = Omit<QueryRunner, 'isTransactionActive'> & {
  isTransactionActive: boolean;
  releasePostgresConnection(err?: unknown): Promise<void>;
  transactionDepth: number;
};

const ROLES: readonly DbRole[] = ['cascade_tenant', 'cascade_platform'];

/**
 * BEGIN, the role switch, the tenant and the statement timeout in ONE round trip, all
 * transaction-local (is_local = true): nothing survives COMMIT/ROLLBACK, so a pooled connection
 * never carries a tenant to the next user. The statement is built only from values this file
 * has checked itself — a role from a fixed list, a UUID matched by pattern, an integer — because
 * a multi-statement string cannot carry bind parameters; no client string ever reaches it.
 */
function scopeSql(scope: TransactionScope, statementTimeoutMs: number): string {
  if (!ROLES.includes(scope.role)) throw new Error('Unknown database role');
  if (scope.tenantId !== undefined && !isUuid(scope.tenantId)) throw new Error('Tenant id must be a UUID');
  if (!Number.isSafeInteger(statementTimeoutMs)) throw new Error('Statement timeout must be an integer');
  return (
    `BEGIN; SELECT set_config('role', '${scope.role}', true), ` +
    `set_config('app.current_tenant', '${scope.tenantId ?? ''}', true), ` +
    `set_config('statement_timeout', '${statementTimeoutMs}', true)`
  );
}

const logger = new Logger('Transaction');

const TENANT_SQL = "SELECT set_config('app.current_tenant', $1, true)";

/**
 * The only owner of BEGIN, the role switch, the tenant setting, COMMIT/ROLLBACK and the release
 * of the connection. A transaction takes its connection lazily on first use and ends exactly once;
 * if ROLLBACK itself fails the connection is destroyed instead of returned to the pool.
 */
export class ScopedTransaction {
  private runner?: PgQueryRunner;
  private opening?: Promise<EntityManager>;
  private ending?: Promise<void>;
  private readonly committed: (() => Promise<void> | void)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: TransactionScope,
    private readonly statementTimeoutMs: number,
  ) {
    if (scope.tenantId !== undefined && !isUuid(scope.tenantId)) throw new Error('Tenant id must be a UUID');
  }

  /** Whether a connection was taken (false for requests that never touched the database). */
  get started(): boolean {
    return this.opening !== undefined;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  manager(): Promise<EntityManager> {
    if (this.ending) return Promise.reject(new Error('This transaction has already ended'));
    this.opening ??= this.open();
    return this.opening;
  }

  /** Platform work only: point the row-level policies at another tenant for the next statements. */
  async actAsTenant(tenantId: string): Promise<void> {
    if (this.scope.role !== 'cascade_platform') throw new Error('Only platform transactions may switch tenant');
    if (!isUuid(tenantId)) throw new Error('Tenant id must be a UUID');
    const em = await this.manager();
    await em.query(TENANT_SQL, [tenantId]);
  }

  /** Work that must only happen once the data is durable (cache invalidation, events). */
  afterCommit(hook: () => Promise<void> | void): void {
    this.committed.push(hook);
  }

  commit(): Promise<void> {
    this.ending ??= this.finish(true);
    return this.ending;
  }

  rollback(): Promise<void> {
    this.ending ??= this.finish(false);
    return this.ending;
  }

  private async open(): Promise<EntityManager> {
    const runner = this.dataSource.createQueryRunner() as unknown as PgQueryRunner;
    this.runner = runner;
    await runner.connect();
    // Mark the transaction open before sending it, exactly as TypeORM's startTransaction() does,
    // so a failure part-way is still rolled back and TypeORM nests later calls as savepoints.
    runner.isTransactionActive = true;
    runner.transactionDepth = 1;
    await runner.query(scopeSql(this.scope, this.statementTimeoutMs));
    return runner.manager;
  }

  private async finish(commit: boolean): Promise<void> {
    if (!this.opening) return;
    try {
      await this.opening;
    } catch {
      // Opening failed part-way; whatever was taken is released below, broken.
      await this.release(new Error('transaction failed to open'));
      if (commit) throw new Error('Cannot commit: the transaction never opened');
      return;
    }
    const runner = this.runner as PgQueryRunner;
    if (commit) {
      try {
        await runner.commitTransaction();
      } catch (err) {
        await this.release(err);
        throw err;
      }
      await this.release();
      for (const hook of this.committed) {
        try {
          await hook();
        } catch (err) {
          // A hook must not turn a committed request into an error, but its failure is not hidden.
          logger.warn(`after-commit work failed: ${(err as Error).message}`);
        }
      }
      return;
    }
    let broken: unknown;
    try {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
    } catch (err) {
      broken = err;
    }
    await this.release(broken);
  }

  /** With an error, pg-pool destroys the client rather than reuse a connection in an unknown state. */
  private async release(err?: unknown): Promise<void> {
    const runner = this.runner;
    if (!runner || runner.isReleased) return;
    await runner.releasePostgresConnection(err ? err : undefined);
  }
}
