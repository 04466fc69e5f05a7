import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { M } from './metric-names';

// Pools of the apps alive in this process (tests run several); the gauge sums them on scrape.
const pools = new Set<Pool>();

function poolGauge(): Gauge<'state'> {
  const existing = register.getSingleMetric(M.dbPool) as Gauge<'state'> | undefined;
  if (existing) return existing;
  return new Gauge({
    name: M.dbPool,
    help: 'Database pool connections by state (total, idle, waiting)',
    labelNames: ['state'],
    collect() {
      let total = 0;
      let idle = 0;
      let waiting = 0;
      for (const p of pools) {
        total += p.totalCount;
        idle += p.idleCount;
        waiting += p.waitingCount;
      }
      this.set({ state: 'total' }, total);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
}

/** DB pool gauges, read from the pg pool at scrape time. */
@Injectable()
export class PoolMetrics implements OnModuleInit, OnModuleDestroy {
  private pool?: Pool;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    poolGauge();
    this.pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    if (this.pool) pools.add(this.pool);
  }

  onModuleDestroy(): void {
    if (this.pool) pools.delete(this.pool);
  }
}
