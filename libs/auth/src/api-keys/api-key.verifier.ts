import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ExpiringMap, unauthorized } from '@cascade/core';
import { sql, TransactionRunner } from '@cascade/database';
import { TenantRole } from '../principal';
import { AccessClaims } from '../sessions/principal-registry';
import { parseApiKey } from './api-key-secret';

interface StoredKey {
  role: Exclude<TenantRole, 'owner'>;
  hash: Buffer;
  createdAtS: number;
  expiresAtMs: number | null;
}

interface Entry {
  key: Promise<StoredKey | null>;
  /** last_used_at is written once per entry: once per key and KEY_TTL_MS, not per request. */
  touched: boolean;
}

/** A key read is reused this long; shorter than the principal registry's memory, so a deletion
 * the registry has forgotten is seen in the table. Deletion itself is a `deleted` change. */
const KEY_TTL_MS = 60_000;
const MAX_CACHED_KEYS = 10_000;

/**
 * `Authorization: Bearer cas_…`: finds the key inside its tenant's transaction, compares the
 * secret's hash in constant time, refuses expired keys, and answers claims that
 * PrincipalRegistry judges like a user's (`sub` is the key's id, so a deleted key is refused on
 * every replica from the change feed, and the key is the actor of what it does).
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly logger = new Logger('ApiKeys');
  private readonly keys = new ExpiringMap<Entry>(MAX_CACHED_KEYS);

  constructor(private readonly runner: TransactionRunner) {}

  async verify(token: string): Promise<AccessClaims> {
    const presented = parseApiKey(token);
    if (!presented) throw invalid();
    const entry = this.entryFor(presented.tenantId, presented.keyId);
    const key = await entry.key;
    if (!key || !timingSafeEqual(key.hash, presented.hash)) throw invalid();
    if (key.expiresAtMs !== null && key.expiresAtMs <= Date.now()) throw invalid();
    if (!entry.touched) {
      entry.touched = true;
      void this.touch(presented.tenantId, presented.keyId);
    }
    return { sub: presented.keyId, tenantId: presented.tenantId, role: key.role, iat: key.createdAtS, sep: 0, via: 'api_key' };
  }

  private entryFor(tenantId: string, keyId: string): Entry {
    const cacheKey = `${tenantId}:${keyId}`;
    const cached = this.keys.get(cacheKey);
    if (cached) return cached;
    const entry: Entry = { key: this.load(tenantId, keyId), touched: false };
    this.keys.set(cacheKey, entry, Date.now() + KEY_TTL_MS);
    void entry.key.catch(() => this.keys.delete(cacheKey));
    return entry;
  }

  private load(tenantId: string, keyId: string): Promise<StoredKey | null> {
    return this.runner.run({ role: 'cascade_tenant', tenantId }, async (em) => {
      const { rows } = await sql<{ role: StoredKey['role']; secret_hash: Buffer; created_s: string; expires_ms: string | null }>(
        em,
        `SELECT role, secret_hash, extract(epoch FROM created_at) AS created_s, extract(epoch FROM expires_at) * 1000 AS expires_ms
           FROM cascade.api_keys WHERE tenant_id = $1 AND id = $2`,
        [tenantId, keyId],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        role: row.role,
        hash: row.secret_hash,
        createdAtS: Math.floor(Number(row.created_s)),
        expiresAtMs: row.expires_ms === null ? null : Number(row.expires_ms),
      };
    });
  }

  /** Out of the request's way; the condition keeps it to once a minute across replicas too. */
  private async touch(tenantId: string, keyId: string): Promise<void> {
    try {
      await this.runner.run({ role: 'cascade_tenant', tenantId }, (em) =>
        sql(
          em,
          `UPDATE cascade.api_keys SET last_used_at = now()
            WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
          [tenantId, keyId],
        ),
      );
    } catch (err) {
      this.logger.warn(`last_used_at not recorded for API key ${keyId}: ${(err as Error).message}`);
    }
  }
}

const invalid = () => unauthorized('Missing, invalid or expired token');
