import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { EntityManager } from 'typeorm';
import { quotaExceeded } from '@cascade/core';
import { sql } from '@cascade/database';
import { InjectMetric, M, OTHER_TENANTS, TenantLabels } from '@cascade/metrics';

/** Counted quotas: usage column and limit column of cascade.tenant_quotas (fixed names, never client input). */
const COUNTERS = {
  users: { used: 'users_used', limit: 'max_users' },
  workrooms: { used: 'workrooms_used', limit: 'max_workrooms' },
  storage_bytes: { used: 'storage_bytes_used', limit: 'max_storage_bytes' },
} as const;

export type CountedResource = keyof typeof COUNTERS;

export interface Usage {
  users: number;
  workrooms: number;
  storage_bytes: number;
}

/**
 * Exact quotas without check-then-act: one conditional UPDATE of the tenant's quota row
 * (`used + n <= limit`) in the SAME transaction as the insert it pays for. The row lock it
 * takes queues concurrent reservations of the tenant; under READ COMMITTED each waiter
 * re-checks the condition against the committed count, so N free slots admit exactly N.
 * A rollback of the insert rolls the reservation back with it; a delete releases in its own
 * transaction. A separate usage table or advisory locks would add a round trip for nothing.
 */
@Injectable()
export class QuotaLedger {
  private readonly overflowStorage = new Map<string, number>();

  constructor(
    private readonly labels: TenantLabels,
    @InjectMetric(M.quotaDenied) private readonly denied: Counter<'tenant_id' | 'resource'>,
    @InjectMetric(M.storageUsage) private readonly storageUsage: Gauge<'tenant_id'>,
  ) {}

  async reserve(em: EntityManager, tenantId: string, resource: CountedResource, amount = 1): Promise<void> {
    const { used, limit } = COUNTERS[resource];
    const reserved = await sql<{ tenant_id: string; used: string }>(
      em,
      `UPDATE cascade.tenant_quotas SET ${used} = ${used} + $2, updated_at = now()
        WHERE tenant_id = $1 AND ${used} + $2 <= ${limit} RETURNING tenant_id, ${used} AS used`,
      [tenantId, amount],
    );
    if (reserved.rowCount === 1) return this.observe(resource, reserved.rows[0]);
    const [row] = (
      await sql<{ tenant_id: string; limit: string }>(
        em,
        `SELECT tenant_id, ${limit} AS "limit" FROM cascade.tenant_quotas WHERE tenant_id = $1`,
        [tenantId],
      )
    ).rows;
    if (!row) throw new Error('Tenant has no quota row (tenant context missing?)');
    this.denied.inc({ tenant_id: this.labels.label(row.tenant_id), resource });
    throw quotaExceeded(resource, Number(row.limit));
  }

  async release(em: EntityManager, tenantId: string, resource: CountedResource, amount = 1): Promise<void> {
    const { used } = COUNTERS[resource];
    const { rows } = await sql<{ tenant_id: string; used: string }>(
      em,
      `UPDATE cascade.tenant_quotas SET ${used} = ${used} - $2, updated_at = now() WHERE tenant_id = $1 RETURNING tenant_id, ${used} AS used`,
      [tenantId, amount],
    );
    if (rows[0]) this.observe(resource, rows[0]);
  }

  /** A usage read elsewhere (the quota row) refreshes the exported storage gauge too. */
  observeUsage(tenantId: string, usage: Usage): void {
    this.observe('storage_bytes', { tenant_id: tenantId, used: String(usage.storage_bytes) });
  }

  /**
   * Storage usage is exported per tenant as it changes (cascade_storage_usage_bytes). Tenants
   * past the label cap share the "other" series, which is their SUM — never one tenant's value
   * shown under another name.
   */
  private observe(resource: CountedResource, row: { tenant_id: string; used: string }): void {
    if (resource !== 'storage_bytes') return;
    const label = this.labels.label(row.tenant_id);
    if (label !== OTHER_TENANTS) return void this.storageUsage.set({ tenant_id: label }, Number(row.used));
    this.overflowStorage.set(row.tenant_id, Number(row.used));
    let sum = 0;
    for (const bytes of this.overflowStorage.values()) sum += bytes;
    this.storageUsage.set({ tenant_id: OTHER_TENANTS }, sum);
  }
}
