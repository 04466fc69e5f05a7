import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { sql } from '@cascade/database';
import { IDEMPOTENCY_POLICY } from './idempotency.policy';
import { ReplaySeal } from './replay-seal';

/** Whose key it is: a tenant's (the usual case) or the platform's (tenant creation). */
export type KeyScope = { kind: 'tenant'; tenantId: string } | { kind: 'platform' };

export interface StoredKey {
  fingerprint: string;
  state: 'running' | 'completed';
  responseStatus: number | null;
  responseBody: string | null;
  /** Older than IDEMPOTENCY_POLICY.keepHours: as if it did not exist (the sweep has not run yet). */
  expired: boolean;
  /** A running key whose request stopped renewing it: its process died. */
  leaseLapsed: boolean;
}

interface Target {
  table: string;
  columns: string;
  values: string;
  match: string;
  conflict: string;
  ids: string[];
}

/** The SQL pieces per scope: fixed strings only; the tenant id and the key travel as parameters. */
function target(scope: KeyScope): Target {
  return scope.kind === 'tenant'
    ? {
        table: 'cascade.idempotency_keys',
        columns: 'tenant_id, key',
        values: '$1, $2',
        match: 'tenant_id = $1 AND key = $2',
        conflict: '(tenant_id, key)',
        ids: [scope.tenantId],
      }
    : { table: 'cascade.platform_idempotency_keys', columns: 'key', values: '$1', match: 'key = $1', conflict: '(key)', ids: [] };
}

/** $n for the i-th parameter after the scope's ids and the key. */
const param = (t: Target, i: number) => `$${t.ids.length + 2 + i}`;

const KEEP = `make_interval(hours => ${IDEMPOTENCY_POLICY.keepHours})`;
const LEASE = `make_interval(secs => ${IDEMPOTENCY_POLICY.leaseSeconds})`;

/** A row another request may take over: past its 24 h, or a running key whose lease ran out. */
const replaceable = (table: string) =>
  `(${table}.expires_at <= now() OR (${table}.state = 'running' AND ${table}.lease_expires_at <= now()))`;

/** Every statement on the key tables. Callers hand in the manager of the transaction to join. */
/** What a sealed answer is bound to: its table, tenant and key. */
const binding = (scope: KeyScope, key: string) => (scope.kind === 'tenant' ? `tenant:${scope.tenantId}:${key}` : `platform:${key}`);

@Injectable()
export class IdempotencyKeyRepository {
  private readonly seal: ReplaySeal;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.seal = new ReplaySeal(config.jwtSecret);
  }

  /**
   * Serialises requests of one key without waiting: false means another transaction holds it
   * (a request with this key is running). Held until COMMIT/ROLLBACK. The lock is taken before the
   * row is read, in a statement of its own, so the read's snapshot sees whatever the previous
   * holder committed.
   */
  async tryLock(em: EntityManager, scope: KeyScope, key: string): Promise<boolean> {
    const name = `cascade.idempotency:${scope.kind === 'tenant' ? scope.tenantId : 'platform'}:${key}`;
    const { rows } = await sql<{ locked: boolean }>(em, `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [name]);
    return rows[0]?.locked === true;
  }

  async find(em: EntityManager, scope: KeyScope, key: string): Promise<StoredKey | undefined> {
    const t = target(scope);
    const { rows } = await sql<{
      fingerprint: string;
      state: 'running' | 'completed';
      response_status: number | null;
      response_body: string | null;
      expired: boolean;
      lease_lapsed: boolean;
    }>(
      em,
      `SELECT fingerprint, state, response_status, response_body, expires_at <= now() AS expired,
              coalesce(lease_expires_at <= now(), false) AS lease_lapsed
         FROM ${t.table} WHERE ${t.match}`,
      [...t.ids, key],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      fingerprint: r.fingerprint,
      state: r.state,
      responseStatus: r.response_status,
      // an answer that does not open (JWT_SECRET rotated) is treated as no answer: the key expires unused
      responseBody: r.response_body === null ? null : this.seal.open(r.response_body, binding(scope, key)),
      expired: r.expired,
      leaseLapsed: r.lease_lapsed,
    };
  }

  /** The first answer, in the transaction of the change it answers for. */
  async saveCompleted(
    em: EntityManager,
    scope: KeyScope,
    key: string,
    fingerprint: string,
    status: number,
    body: string | null,
  ): Promise<boolean> {
    const t = target(scope);
    const [fp, st, bd] = [param(t, 0), param(t, 1), param(t, 2)];
    const { rowCount } = await sql(
      em,
      `INSERT INTO ${t.table} AS k (${t.columns}, fingerprint, state, response_status, response_body, expires_at)
       VALUES (${t.values}, ${fp}, 'completed', ${st}, ${bd}, now() + ${KEEP})
       ON CONFLICT ${t.conflict} DO UPDATE
          SET fingerprint = EXCLUDED.fingerprint, state = 'completed', owner_id = NULL, lease_expires_at = NULL,
              response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
              created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE ${replaceable('k')}`,
      [...t.ids, key, fingerprint, status, body === null ? null : this.seal.seal(body, binding(scope, key))],
    );
    return rowCount === 1;
  }

  /** A streamed upload takes its key in a short transaction of its own and holds it by a lease. */
  async claimRunning(em: EntityManager, scope: KeyScope, key: string, fingerprint: string, ownerId: string): Promise<boolean> {
    const t = target(scope);
    const [fp, owner] = [param(t, 0), param(t, 1)];
    const { rowCount } = await sql(
      em,
      `INSERT INTO ${t.table} AS k (${t.columns}, fingerprint, state, owner_id, lease_expires_at, expires_at)
       VALUES (${t.values}, ${fp}, 'running', ${owner}, now() + ${LEASE}, now() + ${KEEP})
       ON CONFLICT ${t.conflict} DO UPDATE
          SET fingerprint = EXCLUDED.fingerprint, state = 'running', owner_id = EXCLUDED.owner_id,
              lease_expires_at = EXCLUDED.lease_expires_at, response_status = NULL, response_body = NULL,
              created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE ${replaceable('k')}`,
      [...t.ids, key, fingerprint, ownerId],
    );
    return rowCount === 1;
  }

  /** Turns the upload's running key into its answer; false if the key is no longer this request's. */
  async complete(em: EntityManager, scope: KeyScope, key: string, ownerId: string, status: number, body: string | null): Promise<boolean> {
    const t = target(scope);
    const [owner, st, bd] = [param(t, 0), param(t, 1), param(t, 2)];
    const { rowCount } = await sql(
      em,
      `UPDATE ${t.table}
          SET state = 'completed', owner_id = NULL, lease_expires_at = NULL, response_status = ${st}, response_body = ${bd},
              created_at = now(), expires_at = now() + ${KEEP}
        WHERE ${t.match} AND owner_id = ${owner} AND state = 'running'`,
      [...t.ids, key, ownerId, status, body === null ? null : this.seal.seal(body, binding(scope, key))],
    );
    return rowCount === 1;
  }

  async renew(em: EntityManager, scope: KeyScope, key: string, ownerId: string): Promise<boolean> {
    const t = target(scope);
    const { rowCount } = await sql(
      em,
      `UPDATE ${t.table} SET lease_expires_at = now() + ${LEASE} WHERE ${t.match} AND owner_id = ${param(t, 0)} AND state = 'running'`,
      [...t.ids, key, ownerId],
    );
    return rowCount === 1;
  }

  /** A failed upload gives its key back (a request that fails is not remembered). */
  async release(em: EntityManager, scope: KeyScope, key: string, ownerId: string): Promise<void> {
    const t = target(scope);
    await sql(em, `DELETE FROM ${t.table} WHERE ${t.match} AND owner_id = ${param(t, 0)} AND state = 'running'`, [...t.ids, key, ownerId]);
  }

  /** Keys past their 24 h as of `now` (running ones only once their lease ran out too). */
  async deleteExpired(em: EntityManager, scope: KeyScope, now: Date): Promise<number> {
    const t = target(scope);
    const tenantFilter = scope.kind === 'tenant' ? 'tenant_id = $1 AND ' : '';
    const at = `$${t.ids.length + 1}`;
    const { rowCount } = await sql(
      em,
      `DELETE FROM ${t.table}
        WHERE ${tenantFilter}expires_at <= ${at}::timestamptz AND (state = 'completed' OR lease_expires_at <= ${at}::timestamptz)`,
      [...t.ids, now.toISOString()],
    );
    return rowCount;
  }

  /** Tenant ids in order, a page at a time (the platform role sees the tenants table). */
  async tenantIdsAfter(em: EntityManager, after: string | undefined, limit: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>(
      em,
      `SELECT id FROM cascade.tenants WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map((r) => r.id);
  }
}
