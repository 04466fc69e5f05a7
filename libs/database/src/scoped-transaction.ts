import { Logger } from '@nestjs/common';
import type { Writable } from 'node:stream';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isUuid } from '@cascade/core';

export type DbRole = 'cascade_tenant' | 'cascade_platform';

export interface TransactionScope {
  role: DbRole;
  /** The tenant every row-level policy compares with; none means "no rows visible". */
  tenantId?: string;
  /**
   * Reads only (GET/HEAD): the transaction starts READ ONLY, so PostgreSQL refuses any write in
   * it, and its COMMIT — which then cannot lose anything — is sent without holding up the caller.
   */
  readOnly?: boolean;
}

/** A statement that rides in the pipeline right before COMMIT (e.g. the audit event). */
export interface Statement {
  text: string;
  params: unknown[];
}

type PgQueryRunner = Omit<QueryRunner, 'isTransactionActive' | 'connect'> & {
  isTransactionActive: boolean;
  transactionDepth: number;
  connect(): Promise<PoolClient>;
  releasePostgresConnection(err?: unknown): Promise<void>;
};

const ROLES: readonly DbRole[] = ['cascade_tenant', 'cascade_platform'];

function checkedTenant(tenantId: string): string {
  if (!isUuid(tenantId)) throw new Error('Tenant id must be a UUID');
  return tenantId;
}

/**
 * BEGIN, the role switch, the tenant and the statement timeout, each its OWN statement and all
 * transaction-local (SET LOCAL): nothing survives COMMIT/ROLLBACK, so a pooled connection never
 * carries a tenant to the next user. Separate statements because Citus forwards SET LOCAL to its
 * workers (never set_config() calls) and re-sends a SET's whole query string, which breaks on
 * `BEGIN; SET …`. SET takes no bind parameters, so the values are checked here, the only place
 * that builds them: a role from a fixed list, a UUID matched by pattern, an integer.
 */
function scopeStatements(scope: TransactionScope, statementTimeoutMs: number): string[] {
  if (!ROLES.includes(scope.role)) throw new Error('Unknown database role');
  const tenant = scope.tenantId === undefined ? '' : checkedTenant(scope.tenantId);
  if (!Number.isSafeInteger(statementTimeoutMs) || statementTimeoutMs < 0)
    throw new Error('Statement timeout must be a non-negative integer');
  return [
    scope.readOnly ? 'BEGIN READ ONLY' : 'BEGIN',
    `SET LOCAL ROLE ${scope.role}`,
    `SET LOCAL app.current_tenant = '${tenant}'`,
    `SET LOCAL statement_timeout = ${statementTimeoutMs}`,
  ];
}

const logger = new Logger('Transaction');

/** The client's socket (pg keeps it on its connection; the pool's types do not show it). */
const socketOf = (client: PoolClient | undefined): Writable =>
  (client as unknown as { connection: { stream: Writable } }).connection.stream;

/** The statement's error, or undefined once it succeeded. */
const outcome = (statement: Promise<unknown>): Promise<unknown> =>
  statement.then(
    () => undefined,
    (err: unknown) => err ?? new Error('statement failed'),
  );

/**
 * The only owner of BEGIN, the role switch, the tenant setting, COMMIT/ROLLBACK and the release
 * of the connection. A transaction takes its connection lazily on first use and ends exactly once;
 * if ROLLBACK itself fails the connection is destroyed instead of returned to the pool.
 *
 * Round trips: the pool runs pg in pipeline mode, so the scope statements are written at once and
 * NOT awaited — the caller's first statement follows them on the wire, and a single-statement read
 * costs one round trip. Statements queued with `beforeCommit` travel with COMMIT (one more round
 * trip for a write). The read-only COMMIT is not awaited by the caller at all.
 *
 * Error path: if a scope statement fails, PostgreSQL aborts the transaction, so every statement
 * behind it in the pipeline fails too ("current transaction is aborted") — nothing runs unscoped.
 * The caller sees that error; commit() reports the scope's own error (the cause) and never reports
 * success, because COMMIT of an aborted transaction answers ROLLBACK without an error.
 */
export class ScopedTransaction {
  private runner?: PgQueryRunner;
  private client?: PoolClient;
  private opening?: Promise<EntityManager>;
  private ending?: Promise<void>;
  /** Statements sent without waiting (scope, tenant switches): their failure is checked at the end. */
  private readonly inFlight: Promise<QueryResult>[] = [];
  private readonly finalStatements: Statement[] = [];
  private readonly committed: (() => Promise<void> | void)[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: TransactionScope,
    private readonly statementTimeoutMs: number,
  ) {
    if (scope.tenantId !== undefined) checkedTenant(scope.tenantId);
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

  /**
   * Platform work only: point the row-level policies at another tenant for the next statements.
   * The SET is on the wire when the returned promise is created; awaiting it is optional.
   */
  async actAsTenant(tenantId: string): Promise<void> {
    if (this.scope.role !== 'cascade_platform') throw new Error('Only platform transactions may switch tenant');
    const statement = `SET LOCAL app.current_tenant = '${checkedTenant(tenantId)}'`;
    await this.manager();
    await this.send(statement);
  }

  /** Sent in the same pipeline as COMMIT; if it fails, the transaction rolls back and commit() throws. */
  beforeCommit(statement: Statement): void {
    if (this.ending) throw new Error('This transaction has already ended');
    this.finalStatements.push(statement);
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
    const statements = scopeStatements(this.scope, this.statementTimeoutMs);
    const runner = this.dataSource.createQueryRunner() as unknown as PgQueryRunner;
    this.runner = runner;
    this.client = await runner.connect();
    // Mark the transaction open before sending it, exactly as TypeORM's startTransaction() does,
    // so a failure part-way is still rolled back and TypeORM nests later calls as savepoints.
    runner.isTransactionActive = true;
    runner.transactionDepth = 1;
    // One socket write for the scope AND the caller's first statement: pipeline mode writes each
    // query at once, so hold the socket until the promise continuations that issue that statement
    // have run (setImmediate comes after them), instead of one syscall per statement.
    const socket = socketOf(this.client);
    socket.cork();
    setImmediate(() => socket.uncork());
    for (const statement of statements) void this.send(statement);
    return runner.manager;
  }

  /** Writes one statement now (pipeline mode); its outcome is checked before the transaction ends. */
  private send(text: string, params?: unknown[]): Promise<QueryResult> {
    const result = (this.client as PoolClient).query(text, params);
    // Marked as handled here; commit() awaits it again and reports its error as the cause.
    result.catch(() => undefined);
    this.inFlight.push(result);
    return result;
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
    if (commit) return this.commitOpen();
    await this.rollbackOpen();
  }

  private async commitOpen(): Promise<void> {
    const client = this.client as PoolClient;
    // Final statements and COMMIT are written together (one socket write), behind everything still
    // in flight; each outcome is captured at once (an error or undefined): no rejection goes unhandled.
    const socket = socketOf(client);
    socket.cork();
    const finals = this.finalStatements.splice(0).map((s) => client.query(s.text, s.params));
    const commitSent = client.query('COMMIT');
    socket.uncork();
    const before = [...this.inFlight.splice(0), ...finals].map(outcome);
    const committing = outcome(commitSent);
    const settle = async (): Promise<void> => {
      const failure = (await Promise.all(before)).find((err) => err !== undefined);
      const commitError = await committing;
      this.markEnded();
      if (failure !== undefined || commitError !== undefined) {
        // A failed COMMIT leaves the connection in an unknown state: never reuse it.
        await this.release(commitError);
        // An aborted transaction's COMMIT "succeeds" as a ROLLBACK: a failure before it wins.
        throw failure ?? commitError;
      }
      await this.release();
      await this.runCommitted();
    };
    if (!this.scope.readOnly) return settle();
    // READ ONLY: nothing can be lost, the caller's answer is already read. Let COMMIT finish in
    // the background; the connection returns to the pool only once it has.
    void settle().catch((err: unknown) => logger.warn(`read-only transaction ended with an error: ${(err as Error).message}`));
  }

  private async rollbackOpen(): Promise<void> {
    const runner = this.runner as PgQueryRunner;
    // A scope statement that failed is the cause of whatever the caller saw ("transaction is aborted").
    const cause = (await Promise.all(this.inFlight.splice(0).map(outcome))).find((err) => err !== undefined);
    if (cause !== undefined) logger.error(`transaction scope failed: ${(cause as Error).message}`);
    let broken: unknown;
    try {
      if (runner.isTransactionActive) await (this.client as PoolClient).query('ROLLBACK');
    } catch (err) {
      broken = err;
    }
    this.markEnded();
    await this.release(broken);
  }

  private markEnded(): void {
    const runner = this.runner as PgQueryRunner;
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
  }

  private async runCommitted(): Promise<void> {
    for (const hook of this.committed) {
      try {
        await hook();
      } catch (err) {
        // A hook must not turn a committed request into an error, but its failure is not hidden.
        logger.warn(`after-commit work failed: ${(err as Error).message}`);
      }
    }
  }

  /** With an error, pg-pool destroys the client rather than reuse a connection in an unknown state. */
  private async release(err?: unknown): Promise<void> {
    const runner = this.runner;
    if (!runner || runner.isReleased) return;
    await runner.releasePostgresConnection(err ? err : undefined);
  }
}
