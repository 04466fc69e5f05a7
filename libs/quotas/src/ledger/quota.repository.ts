import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql } from '@cascade/database';
import { QuotaLimits } from '../plans/quota-limits';
import type { Usage } from './quota-ledger.service';

/** The whole quota row: limits, the overrides they came from, and live usage — one read. */
export interface QuotaRow extends QuotaLimits {
  tenantId: string;
  overrides: Partial<QuotaLimits>;
  usage: Usage;
}

const LIMIT_COLUMNS =
  'max_users, max_storage_bytes, max_api_calls_per_minute, max_concurrent_requests, max_workrooms, custom_domain_allowed, features';

function toLimits(row: Record<string, unknown>): QuotaRow {
  return {
    max_users: Number(row.max_users),
    max_storage_bytes: Number(row.max_storage_bytes),
    max_api_calls_per_minute: Number(row.max_api_calls_per_minute),
    max_concurrent_requests: Number(row.max_concurrent_requests),
    max_workrooms: Number(row.max_workrooms),
    custom_domain_allowed: Boolean(row.custom_domain_allowed),
    features: (row.features as string[]) ?? [],
    tenantId: String(row.tenant_id),
    overrides: (row.overrides as Partial<QuotaLimits>) ?? {},
    usage: { users: Number(row.users_used), workrooms: Number(row.workrooms_used), storage_bytes: Number(row.storage_bytes_used) },
  };
}

/** Bind values in LIMIT_COLUMNS order. */
function limitParams(l: QuotaLimits): unknown[] {
  return [
    l.max_users,
    l.max_storage_bytes,
    l.max_api_calls_per_minute,
    l.max_concurrent_requests,
    l.max_workrooms,
    l.custom_domain_allowed,
    l.features,
  ];
}

/**
 * The limits row of a tenant. Every statement names the tenant (tenant_id = $1); the transaction
 * must act for that tenant too, or row-level security hides the row.
 */
@Injectable()
export class QuotaRepository {
  async insertQuota(em: EntityManager, tenantId: string, limits: QuotaLimits): Promise<void> {
    await sql(
      em,
      `INSERT INTO cascade.tenant_quotas (tenant_id, ${LIMIT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, ...limitParams(limits)],
    );
  }

  async findQuota(em: EntityManager, tenantId: string): Promise<QuotaRow | null> {
    const { rows } = await sql(
      em,
      `SELECT tenant_id, ${LIMIT_COLUMNS}, overrides, users_used, workrooms_used, storage_bytes_used
         FROM cascade.tenant_quotas WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ? toLimits(rows[0]) : null;
  }

  async updateQuota(em: EntityManager, tenantId: string, limits: QuotaLimits, overrides: Partial<QuotaLimits>): Promise<void> {
    await sql(
      em,
      `UPDATE cascade.tenant_quotas SET max_users = $2, max_storage_bytes = $3, max_api_calls_per_minute = $4,
              max_concurrent_requests = $5, max_workrooms = $6, custom_domain_allowed = $7, features = $8,
              overrides = $9, updated_at = now()
        WHERE tenant_id = $1`,
      [tenantId, ...limitParams(limits), JSON.stringify(overrides)],
    );
  }
}
