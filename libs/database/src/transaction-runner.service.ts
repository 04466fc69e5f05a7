import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { ScopedTransaction, TransactionScope } from './scoped-transaction';

/** Starts scoped transactions; the request-scoped connection and background jobs both use it. */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  begin(scope: TransactionScope): ScopedTransaction {
    return new ScopedTransaction(this.dataSource, scope, this.config.dbStatementTimeoutMs);
  }

  /** A short transaction of its own: commit on success, rollback on any error. */
  async run<T>(scope: TransactionScope, work: (em: EntityManager, tx: ScopedTransaction) => Promise<T>): Promise<T> {
    const tx = this.begin(scope);
    try {
      const result = await work(await tx.manager(), tx);
      await tx.commit();
      return result;
    } catch (err) {
      await tx.rollback();
      throw err;
    }
  }
}
