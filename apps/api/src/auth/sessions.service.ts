import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EntityManager } from 'typeorm';
import { AuditTrail } from '@cascade/audit';
import {
  endAllSessions,
  IssuedToken,
  newRefreshToken,
  parseRefreshToken,
  PrincipalRegistry,
  recordPrincipalChange,
  TenantRole,
  TokenService,
} from '@cascade/auth';
import { APP_CONFIG, AppConfig, tenantSuspended, unauthorized, uuidv7 } from '@cascade/core';
import { sql, TransactionRunner } from '@cascade/database';
import { TenantDirectory } from '@cascade/tenancy';

export interface TokenPair extends IssuedToken {
  refresh_token: string;
  refresh_expires_in: number;
}

interface SessionRow {
  id: string;
  user_id: string;
  epoch: number;
  revoked: boolean;
  expired: boolean;
  role: TenantRole;
  session_epoch: number;
}

const refused = () => unauthorized('Invalid, expired or revoked refresh token');

/**
 * Sign-ins (refresh families) and their tokens (contract v2, "Sessions"): a login starts one; a
 * refresh rotates its single-use refresh token; presenting a spent one ends the whole sign-in
 * (OAuth 2.0 Security BCP reuse detection); logout ends one, logout-all every sign-in of the user.
 * Every ending is written to the principal change feed in the same transaction, and read back by
 * this replica before the answer goes out — so the next request is judged by it.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly tokens: TokenService,
    private readonly registry: PrincipalRegistry,
    private readonly directory: TenantDirectory,
    private readonly audit: AuditTrail,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new sign-in for a user whose password (or identity) was just verified. */
  async start(tenantId: string, user: { id: string; role: TenantRole; session_epoch: number }): Promise<TokenPair> {
    const sessionId = uuidv7();
    const refresh = newRefreshToken(tenantId);
    await this.runner.run({ role: 'cascade_tenant', tenantId }, async (em) => {
      await sql(
        em,
        `INSERT INTO cascade.user_sessions (tenant_id, id, user_id, epoch, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [tenantId, sessionId, user.id, user.session_epoch, this.config.refreshTokenTtlSeconds],
      );
      await this.storeRefresh(em, tenantId, sessionId, refresh.hash);
    });
    return this.pair(tenantId, { sessionId, userId: user.id, role: user.role, epoch: user.session_epoch }, refresh.token);
  }

  async refresh(req: FastifyRequest, presented: unknown): Promise<TokenPair> {
    const parsed = parseRefreshToken(presented);
    if (!parsed) throw refused();
    const { tenantId, hash } = parsed;
    const tenant = await this.directory.findById(tenantId);
    if (!tenant) throw refused();
    if (tenant.status === 'suspended') throw tenantSuspended();
    const next = newRefreshToken(tenantId);
    const outcome = await this.runner.run({ role: 'cascade_tenant', tenantId }, async (em) => {
      // Single use without check-then-act: one conditional UPDATE decides which caller spends it.
      const { rows: spent } = await sql<{ session_id: string }>(
        em,

        `UPDATE cascade.refresh_tokens SET used_at = now()
          WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > now()
          RETURNING session_id`,
        [tenantId, hash],
      );
      if (!spent.length) return this.onUnusable(em, tenantId, hash);
      const session = await this.session(em, tenantId, spent[0].session_id);
      if (!session || session.revoked || session.expired || session.epoch !== session.session_epoch) return { kind: 'refused' as const };
      await sql(em, `UPDATE cascade.user_sessions SET refreshed_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, session.id]);
      await this.storeRefresh(em, tenantId, session.id, next.hash);
      return { kind: 'rotated' as const, session };
    });
    if (outcome.kind === 'reused') {
      await this.registry.changed();
      await this.audit.recordAuth(req, tenantId, outcome.userId, 'session.reuse_detected', 'denied');
      throw refused();
    }
    if (outcome.kind !== 'rotated') throw refused();
    const { session } = outcome;
    await this.audit.recordAuth(req, tenantId, session.user_id, 'session.refresh', 'success');
    return this.pair(tenantId, { sessionId: session.id, userId: session.user_id, role: session.role, epoch: session.epoch }, next.token);
  }

  /** Ends one sign-in (the caller's), inside the request's transaction. */
  async endSession(em: EntityManager, tenantId: string, userId: string, sessionId: string): Promise<void> {
    await sql(em, `UPDATE cascade.user_sessions SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`, [
      tenantId,
      sessionId,
    ]);
    await recordPrincipalChange(em, tenantId, { kind: 'session_ended', userId, sessionId });
  }

  /** After a commit that ended sign-ins: this replica reads the feed now, the others are nudged. */
  changed(): Promise<void> {
    return this.registry.changed();
  }

  /** Ends every sign-in of a user, inside the request's transaction. */
  endAll(em: EntityManager, tenantId: string, userId: string): Promise<number | null> {
    return endAllSessions(em, tenantId, userId);
  }

  /** A spent token presented again ends its sign-in; an unknown or expired one is just refused. */
  private async onUnusable(em: EntityManager, tenantId: string, hash: Buffer) {
    const {
      rows: [known],
    } = await sql<{ session_id: string; used: boolean }>(
      em,
      `SELECT session_id, used_at IS NOT NULL AS used FROM cascade.refresh_tokens WHERE tenant_id = $1 AND token_hash = $2`,
      [tenantId, hash],
    );
    if (!known?.used) return { kind: 'refused' as const };
    const {
      rows: [revoked],
    } = await sql<{ user_id: string }>(
      em,
      `UPDATE cascade.user_sessions SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING user_id`,
      [tenantId, known.session_id],
    );
    if (!revoked) return { kind: 'refused' as const };
    await recordPrincipalChange(em, tenantId, { kind: 'session_ended', userId: revoked.user_id, sessionId: known.session_id });
    return { kind: 'reused' as const, userId: revoked.user_id };
  }

  private async session(em: EntityManager, tenantId: string, sessionId: string): Promise<SessionRow | null> {
    const { rows } = await sql<SessionRow>(
      em,

      `SELECT s.id, s.user_id, s.epoch, s.revoked_at IS NOT NULL AS revoked, s.expires_at <= now() AS expired, u.role, u.session_epoch
         FROM cascade.user_sessions s
         JOIN cascade.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
        WHERE s.tenant_id = $1 AND s.id = $2`,
      [tenantId, sessionId],
    );
    return rows[0] ?? null;
  }

  private async storeRefresh(em: EntityManager, tenantId: string, sessionId: string, hash: Buffer): Promise<void> {
    await sql(
      em,
      `INSERT INTO cascade.refresh_tokens (tenant_id, token_hash, session_id, expires_at)
       SELECT $1, $2, $3, expires_at FROM cascade.user_sessions WHERE tenant_id = $1 AND id = $3`,
      [tenantId, hash, sessionId],
    );
  }

  private pair(
    tenantId: string,
    s: { sessionId: string; userId: string; role: TenantRole; epoch: number },
    refreshToken: string,
  ): TokenPair {
    const access = this.tokens.issue({ sub: s.userId, tenantId, role: s.role, sessionId: s.sessionId, epoch: s.epoch });
    return { ...access, refresh_token: refreshToken, refresh_expires_in: this.config.refreshTokenTtlSeconds };
  }
}
