import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig, unauthorized, unavailable } from '@cascade/core';
import { sql, TransactionRunner } from '@cascade/database';
import { Principal, Role, TenantRole } from '../principal';
import { PRINCIPAL_NUDGE, PrincipalNudge } from './principal-nudge';
import { PRINCIPAL_FEED_SQL } from './principal-feed-sql';

/** What a verified access token claims (signature, exp, shape already checked). */
export interface AccessClaims {
  sub: string;
  tenantId: string | null;
  role: Role;
  /** Issued-at, seconds. */
  iat: number;
  /** Expiry, seconds (our own tokens; verified once, then remembered until then). */
  exp?: number;
  /** The sign-in (refresh family) the token belongs to; absent for operator tokens. */
  sid?: string;
  /** The user's session epoch when the token was issued (absent counts as 0). */
  sep: number;
  /**
   * Absent: our own token. `external`: the identity provider's token, mapped onto its CASCADE
   * user. `api_key`: `sub` is the key's id; a key does not age like a token (it lives until
   * deleted or expired — ApiKeyVerifier checks both), and its deletion is a `deleted` change.
   */
  via?: 'external' | 'api_key';
}

interface UserState {
  deleted: boolean;
  role?: TenantRole;
  roleChangeId: number;
  epoch: number;
  /** When the epoch was last raised (ms): provider tokens carry no epoch, only their iat. */
  epochAt: number;
  endedSessions: Set<string>;
  lastChangeAt: number;
}

interface FeedRow {
  tenant_id: string;
  user_id: string;
  kind: 'deleted' | 'role' | 'epoch' | 'session_ended';
  role: TenantRole | null;
  epoch: number | null;
  session_id: string | null;
  id: string;
  at_ms: number;
}

const POLL_MS = 1000;
/** Past this without a successful poll, tokens are not trusted: 503 rather than stale rights. */
const STALE_AFTER_MS = 5000;
const CLOCK_SKEW_S = 60;

/**
 * The ONE place that decides, per request, who the caller is NOW — the token proves a sign-in,
 * not a frozen grant of rights. It follows the principal change feed (cascade.principal_changes,
 * written in the same transaction as each change) in process: read once a second, at once when
 * a replica nudges over Redis pub/sub, and at once by the replica that made the change (after its
 * commit). So a request costs a Map lookup, not a database round trip, and a change is seen at
 * once on the changing replica, within milliseconds elsewhere, and within 1 s if a nudge is lost.
 *
 * Only changes younger than the longest a token may live are kept: a token is refused once older
 * than JWT_EXPIRES_IN_SECONDS (users) or PLATFORM_TOKEN_MAX_TTL (platform admins) whatever its
 * `exp` says, so every token still accepted was issued inside the window the registry remembers.
 */
@Injectable()
export class PrincipalRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly users = new Map<string, UserState>();
  private platformRevokedBefore = 0; // seconds: platform tokens with iat <= this are refused
  private lastPollOk = 0;
  private dbNowMs = 0;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private pollAgain = false;
  private readonly windowMs: number;

  constructor(
    private readonly runner: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PRINCIPAL_NUDGE) private readonly nudge: PrincipalNudge,
  ) {
    this.windowMs = (config.jwtExpiresInSeconds + 2 * CLOCK_SKEW_S) * 1000;
    nudge.onNudge(() => void this.refresh());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The caller as they are now, or a 401 (503 while the feed cannot be read). */
  judge(claims: AccessClaims): Principal {
    if (Date.now() - this.lastPollOk > STALE_AFTER_MS) throw unavailable('Sessions cannot be verified right now; retry shortly');
    const nowS = Date.now() / 1000;
    if (claims.iat > nowS + CLOCK_SKEW_S) throw ended();
    if (claims.role === 'platform_admin') {
      if (nowS - claims.iat > this.config.platformTokenMaxTtlSeconds + CLOCK_SKEW_S) throw ended();
      if (claims.iat <= this.platformRevokedBefore) throw ended();
      return { userId: claims.sub, tenantId: null, role: 'platform_admin', via: 'token' };
    }
    if (claims.via !== 'api_key' && nowS - claims.iat > this.config.jwtExpiresInSeconds + CLOCK_SKEW_S) throw ended();
    const state = this.users.get(key(claims.tenantId as string, claims.sub));
    let role = claims.role;
    if (state) {
      if (state.deleted) throw ended();
      if (claims.via === 'external' ? claims.iat * 1000 <= state.epochAt : claims.sep < state.epoch) throw ended();
      if (claims.sid && state.endedSessions.has(claims.sid)) throw ended();
      if (state.role) role = state.role;
    }
    return { userId: claims.sub, tenantId: claims.tenantId, role, via: claims.via ?? 'token', sessionId: claims.sid };
  }

  /**
   * Reads the feed now (coalescing concurrent calls) and tells the other replicas to do the
   * same. Called after a change commits, so the changing replica never answers from before it.
   */
  async changed(): Promise<void> {
    await this.refresh();
    await this.nudge.publish();
  }

  /** Reads the feed now; concurrent callers share one read, and one more runs after it. */
  refresh(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.poll()
      .catch((err: Error) => this.logger.warn(`principal feed not readable: ${err.message}`))
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain) {
          this.pollAgain = false;
          void this.refresh();
        }
      });
    return this.polling;
  }

  private async poll(): Promise<void> {
    // Overlap the previous read by more than the longest transaction: a change committed late
    // with an earlier timestamp is still read. Applying a change twice changes nothing.
    const since = this.dbNowMs ? this.dbNowMs - this.config.dbStatementTimeoutMs - 5000 : null;
    const { rows, nowMs, revokedBefore } = await this.runner.run({ role: 'cascade_platform' }, async (em) => {
      const { rows: feed } = await sql<FeedRow>(em, PRINCIPAL_FEED_SQL, [since, this.windowMs]);
      const {
        rows: [meta],
      } = await sql<{ now_ms: string; revoked_before: string | null }>(
        em,

        `SELECT extract(epoch FROM now()) * 1000 AS now_ms,
                (SELECT extract(epoch FROM revoked_before) FROM cascade.platform_token_revocations) AS revoked_before`,
      );
      return { rows: feed, nowMs: Number(meta.now_ms), revokedBefore: meta.revoked_before === null ? 0 : Number(meta.revoked_before) };
    });
    for (const row of rows) this.apply(row);
    this.platformRevokedBefore = Math.floor(revokedBefore);
    this.dbNowMs = nowMs;
    this.lastPollOk = Date.now();
    this.prune(nowMs);
  }

  private apply(row: FeedRow): void {
    const k = key(row.tenant_id, row.user_id);
    const state = this.users.get(k) ?? {
      deleted: false,
      roleChangeId: 0,
      epoch: 0,
      epochAt: 0,
      endedSessions: new Set<string>(),
      lastChangeAt: 0,
    };
    const id = Number(row.id);
    if (row.kind === 'deleted') state.deleted = true;
    if (row.kind === 'role' && row.role && id > state.roleChangeId) {
      state.role = row.role;
      state.roleChangeId = id;
    }
    if (row.kind === 'epoch' && row.epoch !== null) {
      state.epoch = Math.max(state.epoch, row.epoch);
      state.epochAt = Math.max(state.epochAt, Number(row.at_ms));
    }
    if (row.kind === 'session_ended' && row.session_id) state.endedSessions.add(row.session_id);
    state.lastChangeAt = Math.max(state.lastChangeAt, Number(row.at_ms));
    this.users.set(k, state);
  }

  /** Forget users whose last change is older than any token still accepted. */
  private prune(nowMs: number): void {
    for (const [k, state] of this.users) if (nowMs - state.lastChangeAt > this.windowMs) this.users.delete(k);
  }
}

const key = (tenantId: string, userId: string) => `${tenantId}:${userId}`;
const ended = () => unauthorized('Missing, invalid or expired token');
