import { createParamDecorator, Inject, Injectable, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { EntityManager } from 'typeorm';
import { findPrincipal } from '@cascade/auth';
import { ContextSlot, findRequestContext, requestContext } from '@cascade/core';
import { ScopedTransaction, TransactionRunner, TransactionScope } from '@cascade/database';
import { findTenantContext } from './tenant-context';

const CONNECTION = new ContextSlot<TenantConnection>('tenant connection');

/** Reads change nothing: their COMMIT need not hold up the response (see ScopedTransaction). */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The request's ONE database connection, in ONE transaction, under the tenant's role and id
 * (or the platform role for platform routes). Request-scoped, but resolved once per request at
 * the edge (TransactionInterceptor) and handed on through the request context, so its scope does
 * not bubble into controllers and services: they are singletons and receive it with `@Tx()`.
 * Nothing is taken from the pool until the first query; a client that disconnects mid-request
 * gets its transaction rolled back.
 */
@Injectable({ scope: Scope.REQUEST })
export class TenantConnection {
  private tx?: ScopedTransaction;
  private response?: ServerResponse;

  constructor(
    @Inject(REQUEST) private readonly req: FastifyRequest,
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

  /** Set at the edge: a response that closes before the transaction ended (client gone) rolls it back. */
  abandonWhenClosed(response: ServerResponse): void {
    this.response = response;
  }

  /** The transaction, once the request has used the connection (the interceptor ends it). */
  get transactionIfStarted(): ScopedTransaction | undefined {
    return this.tx;
  }

  private transaction(): ScopedTransaction {
    if (this.tx) return this.tx;
    const tx = this.runner.begin(this.scope());
    this.tx = tx;
    const res = this.response;
    if (res) {
      const abandon = () => void tx.rollback();
      if (res.destroyed) abandon();
      else res.once('close', abandon);
    }
    return tx;
  }

  private scope(): TransactionScope {
    const readOnly = READ_METHODS.has(this.req.method);
    const ctx = findTenantContext();
    if (ctx) return { role: 'cascade_tenant', tenantId: ctx.tenant.id, readOnly };
    if (findPrincipal()?.role === 'platform_admin') return { role: 'cascade_platform', readOnly };
    throw new Error('No tenant context: the tenant connection is only available to tenant or platform routes');
  }
}

/** Called once per request at the edge. */
export function bindTenantConnection(connection: TenantConnection): void {
  requestContext().set(CONNECTION, connection);
}

/** The request's connection; throws outside a request (or before the edge bound it). */
export function currentConnection(): TenantConnection {
  return requestContext().get(CONNECTION);
}

/** The transaction this request opened, if it opened one. */
export function currentTransaction(): ScopedTransaction | undefined {
  return findRequestContext()?.find(CONNECTION)?.transactionIfStarted;
}

/** `@Tx() db: TenantConnection` — the request's connection (its manager(), afterCommit(), …). */
export const Tx = createParamDecorator(() => currentConnection());
