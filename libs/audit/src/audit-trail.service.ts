import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { findPrincipal } from '@cascade/auth';
import { currentRequestId, isUuid, routeTemplateOf } from '@cascade/core';
import { ScopedTransaction, TransactionRunner } from '@cascade/database';
import { findTenantContext } from '@cascade/tenancy';
import { AuditEvent, AuditOutcome } from './audit-event';
import { auditDetailsOf, deriveAction } from './audit-details';
import { AuditRepository } from './audit.repository';

const DENIED_COALESCE_MS = 1000;

/**
 * Writes audit events. A successful change is recorded in ITS OWN transaction (commit both or
 * neither); a refusal or a login in a short transaction of its own.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('Audit');
  private readonly lastFlood = new Map<string, number>();

  constructor(
    private readonly runner: TransactionRunner,
    private readonly events: AuditRepository,
  ) {}

  /** Called just before COMMIT with the handler's result. */
  async recordSuccess(req: FastifyRequest, tx: ScopedTransaction, result: unknown): Promise<void> {
    const details = auditDetailsOf();
    const ctx = findTenantContext();
    const routeId = routeIdOf(req);
    const bodyId = isUuid((result as { id?: unknown } | null)?.id) ? (result as { id: string }).id : null;
    const derived = deriveAction(req.method, routeTemplateOf(req));
    const platform = !ctx;
    const tenantId = ctx?.tenant.id ?? details.tenantId ?? (platform ? (routeId ?? bodyId) : null);
    if (!tenantId || details.tenantGone) {
      this.logger.log(`${details.action ?? derived.action} by ${findPrincipal()?.userId ?? 'unknown'} (no tenant left to record it under)`);
      return;
    }
    if (platform) await tx.actAsTenant(tenantId);
    // Written with COMMIT in one round trip: both happen or neither (commit() throws if it fails).
    tx.beforeCommit(
      this.events.appendStatement(
        this.event(req, tenantId, 'success', {
          action: details.action ?? derived.action,
          resourceType: details.resourceType ?? derived.resourceType,
          resourceId: details.resourceId !== undefined ? details.resourceId : (routeId ?? bodyId),
        }),
      ),
    );
  }

  /**
   * A refused request (404 on an id, 403, 429), in its own short transaction, under the caller's
   * tenant. 429s come in floods: at most one event per tenant and code per second is written.
   */
  async recordDenied(req: FastifyRequest, code: string): Promise<void> {
    const tenantId = findTenantContext()?.tenant.id ?? findPrincipal()?.tenantId;
    const route = routeTemplateOf(req);
    if (!tenantId || !route) return;
    if (code === 'rate_limited' || code === 'too_many_concurrent_requests') {
      const key = `${tenantId}:${code}`;
      const last = this.lastFlood.get(key) ?? 0;
      if (Date.now() - last < DENIED_COALESCE_MS) return;
      if (this.lastFlood.size > 10_000) this.lastFlood.clear();
      this.lastFlood.set(key, Date.now());
    }
    const derived = deriveAction(req.method, route);
    const resourceId = routeIdOf(req);
    await this.write(tenantId, this.event(req, tenantId, 'denied', { ...derived, resourceId }));
  }

  /** Logins: the same event whether or not the email exists (no user id on a failure). */
  async recordLogin(req: FastifyRequest, tenantId: string, actorId: string | null, outcome: AuditOutcome): Promise<void> {
    await this.recordAuth(req, tenantId, actorId, outcome === 'success' ? 'auth.login' : 'auth.login_failed', outcome);
  }

  /** Sign-in events outside a tenant request (login, refresh, reuse detection), in their own transaction. */
  async recordAuth(req: FastifyRequest, tenantId: string, actorId: string | null, action: string, outcome: AuditOutcome): Promise<void> {
    await this.write(tenantId, this.event(req, tenantId, outcome, { action, resourceType: 'user', resourceId: actorId }, actorId));
  }

  private async write(tenantId: string, event: AuditEvent): Promise<void> {
    try {
      await this.runner.run({ role: 'cascade_tenant', tenantId }, (em) => this.events.append(em, event));
    } catch (err) {
      // A refusal stays a refusal even if its audit row cannot be written; the log keeps it.
      this.logger.warn(`could not record ${event.action} (${event.outcome}): ${(err as Error).message}`);
    }
  }

  private event(
    req: FastifyRequest,
    tenantId: string,
    outcome: AuditOutcome,
    what: { action: string; resourceType: string | null; resourceId: string | null },
    actorId?: string | null,
  ): AuditEvent {
    return {
      tenantId,
      actorId: actorId !== undefined ? actorId : (findPrincipal()?.userId ?? null),
      ...what,
      outcome,
      ip: req.ip ?? null,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
      requestId: currentRequestId() ?? null,
    };
  }
}

/** The route's `:id` when it is one (a uuid), else null. */
function routeIdOf(req: FastifyRequest): string | null {
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  return isUuid(id) ? id : null;
}
