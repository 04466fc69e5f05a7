import { Inject, Injectable, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { Request } from 'express';
import { EntityManager } from 'typeorm';
import { principalOf } from '@cascade/auth';
import { ScopedTransaction, TransactionRunner, TransactionScope } from '@cascade/database';
import { findTenantContext } from './tenant-context';

const TX = Symbol('cascade.transaction');

/** The transaction a request opened, if any: the interceptor commits or rolls it back. */
export function transactionOf(req: Request): ScopedTransaction | undefined {
  return (req as unknown as Record<symbol, ScopedTransaction | undefined>)[TX];
}

/**
 * The request's ONE database connection, in ONE transaction, under the tenant's role and id
 * (or the platform role for platform routes). Request-scoped and kept at the edge: controllers
 * inject it and hand its manager to singleton services. Nothing is taken from the pool until
 * the first query; a client that disconnects mid-request gets its transaction rolled back.
 */
@Injectable({ scope: Scope.REQUEST })
export class TenantConnection {
  private tx?: ScopedTransaction;

  constructor(
    @Inject(REQUEST) private readonly req: Request,
    private readonly runner: TransactionRunner,
  ) {}

  manager(): Promise<EntityManager> {
    return this.transaction().manager();
  }

  /** Runs after a successful COMMIT (e.g. cache invalidation); never for a rolled-back request. */
  afterCommit(hook: () => Promise<void> | void): void {
    this.transaction().afterCommit(hook);
  }

  /** Platform routes only: aim the row-level policies at the tenant being administered. */
  actAsTenant(tenantId: string): Promise<void> {
    return this.transaction().actAsTenant(tenantId);
  }

  private transaction(): ScopedTransaction {
    if (this.tx) return this.tx;
    const tx = this.runner.begin(this.scope());
    this.tx = tx;
    (this.req as unknown as Record<symbol, ScopedTransaction>)[TX] = tx;
    const res = this.req.res;
    if (res) {
      const abandon = () => void tx.rollback();
      if (res.destroyed) abandon();
      else res.once('close', abandon);
    }
    return tx;
  }

  private scope(): TransactionScope {
    const ctx = findTenantContext(this.req);
    if (ctx) return { role: 'cascade_tenant', tenantId: ctx.tenant.id };
    if (principalOf(this.req)?.role === 'platform_admin') return { role: 'cascade_platform' };
    throw new Error('No tenant context: the tenant connection is only available to tenant or platform routes');
  }
}
