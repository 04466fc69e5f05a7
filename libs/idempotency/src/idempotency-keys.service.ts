import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { findPrincipal } from '@cascade/auth';
import { ScopedTransaction, TransactionRunner, TransactionScope } from '@cascade/database';
import { ContextSlot, findRequestContext, requestContext } from '@cascade/core';
import { findTenantContext } from '@cascade/tenancy';
import { idempotencyInProgress, idempotencyKeyReused } from './idempotency.errors';
import { IdempotencyKeyRepository, KeyScope, StoredKey } from './idempotency-key.repository';

/** A streamed upload's hold on its key, from its claim to the transaction that completes it. */
export interface UploadClaim {
  scope: KeyScope;
  key: string;
  fingerprint: string;
  ownerId: string;
  completed: boolean;
}

const CLAIM = new ContextSlot<UploadClaim>('idempotency claim');

export function setUploadClaim(claim: UploadClaim): void {
  requestContext().set(CLAIM, claim);
}

function uploadClaimOf(): UploadClaim | undefined {
  return findRequestContext()?.find(CLAIM);
}

/** The key's owner: the request's tenant, or the platform for platform-admin routes. */
export function keyScopeOf(): KeyScope {
  const ctx = findTenantContext();
  if (ctx) return { kind: 'tenant', tenantId: ctx.tenant.id };
  if (findPrincipal()?.role === 'platform_admin') return { kind: 'platform' };
  throw new Error('Idempotency-Key is only handled on tenant or platform routes');
}

export function transactionScopeOf(scope: KeyScope): TransactionScope {
  return scope.kind === 'tenant' ? { role: 'cascade_tenant', tenantId: scope.tenantId } : { role: 'cascade_platform' };
}

/**
 * What a key found under its lock means for this request. A key past its 24 h, or one whose
 * upload died (lease lapsed), is free. Otherwise it must be the same request (fingerprint):
 * then it is either still running (409) or answered (replay).
 */
export function decide(found: StoredKey | undefined, fingerprint: string): 'proceed' | 'replay' {
  if (!found || found.expired) return 'proceed';
  if (found.state === 'running' && found.leaseLapsed) return 'proceed';
  if (found.fingerprint !== fingerprint) throw idempotencyKeyReused();
  if (found.state === 'running') throw idempotencyInProgress();
  return 'replay';
}

/** The body exactly as Fastify sends an object (JSON.stringify with no options, no response schema). */
export const serializeBody = (body: unknown): string | null => (body === undefined ? null : JSON.stringify(body));

@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly keys: IdempotencyKeyRepository,
    private readonly runner: TransactionRunner,
  ) {}

  /**
   * In the request's own transaction, before the handler: locks the key (409 at once if another
   * request holds it) and returns the stored answer to replay, or undefined to go ahead.
   */
  async begin(em: EntityManager, scope: KeyScope, key: string, fingerprint: string): Promise<StoredKey | undefined> {
    if (!(await this.keys.tryLock(em, scope, key))) throw idempotencyInProgress();
    const found = await this.keys.find(em, scope, key);
    return decide(found, fingerprint) === 'replay' ? found : undefined;
  }

  /** In the same transaction, after the handler: the answer commits with the change or not at all. */
  async remember(em: EntityManager, scope: KeyScope, key: string, fingerprint: string, status: number, body: unknown): Promise<void> {
    // Only a key that is free under our lock can be here; a false would mean the lock did not hold.
    if (!(await this.keys.saveCompleted(em, scope, key, fingerprint, status, serializeBody(body)))) throw idempotencyInProgress();
  }

  /** A streamed upload claims its key in a short transaction; returns the stored answer to replay instead. */
  claimForUpload(claim: UploadClaim): Promise<StoredKey | undefined> {
    return this.runner.run(transactionScopeOf(claim.scope), async (em) => {
      const found = await this.begin(em, claim.scope, claim.key, claim.fingerprint);
      if (found) return found;
      if (!(await this.keys.claimRunning(em, claim.scope, claim.key, claim.fingerprint, claim.ownerId))) throw idempotencyInProgress();
      return undefined;
    });
  }

  /**
   * Called by an upload inside the transaction that makes its change visible, so the answer and
   * the change commit together. A no-op for a request that sent no key.
   */
  async completeUpload(status: number, tx: ScopedTransaction, body: unknown): Promise<void> {
    const claim = uploadClaimOf();
    if (!claim) return;
    const done = await this.keys.complete(await tx.manager(), claim.scope, claim.key, claim.ownerId, status, serializeBody(body));
    // Our lease lapsed and another request took the key over: this upload must not commit too.
    if (!done) throw idempotencyInProgress();
    claim.completed = true;
  }

  renew(claim: UploadClaim): Promise<boolean> {
    return this.runner.run(transactionScopeOf(claim.scope), (em) => this.keys.renew(em, claim.scope, claim.key, claim.ownerId));
  }

  release(claim: UploadClaim): Promise<void> {
    return this.runner.run(transactionScopeOf(claim.scope), (em) => this.keys.release(em, claim.scope, claim.key, claim.ownerId));
  }
}
