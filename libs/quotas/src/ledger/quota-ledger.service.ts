import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { quotaExceeded } from '@cascade/core';
import { sql } from '@cascade/database';

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
  async reserve(em: EntityManager, resource: CountedResource, amount = 1): Promise<void> {
    const { used, limit } = COUNTERS[resource];
    const reserved = await sql(
      em,
      `UPDATE cascade.tenant_quotas SET ${used} = ${used} + $1, updated_at = now()
        WHERE ${used} + $1 <= ${limit} RETURNING ${used}`,
      [amount],
    );
    if (reserved.rowCount === 1) return;
    const [row] = (await sql<{ limit: string }>(em, `SELECT ${limit} AS "limit" FROM cascade.tenant_quotas`)).rows;
    if (!row) throw new Error('Tenant has no quota row (tenant context missing?)');
    throw quotaExceeded(resource, Number(row.limit));
  }

  async release(em: EntityManager, resource: CountedResource, amount = 1): Promise<void> {
    const { used } = COUNTERS[resource];
    await sql(em, `UPDATE cascade.tenant_quotas SET ${used} = ${used} - $1, updated_at = now()`, [amount]);
  }

  async usage(em: EntityManager): Promise<Usage> {
    const [row] = (
      await sql<Record<string, string>>(em, `SELECT users_used, workrooms_used, storage_bytes_used FROM cascade.tenant_quotas`)
    ).rows;
    return { users: Number(row?.users_used ?? 0), workrooms: Number(row?.workrooms_used ?? 0), storage_bytes: Number(row?.storage_bytes_used ?? 0) };
  }
}
