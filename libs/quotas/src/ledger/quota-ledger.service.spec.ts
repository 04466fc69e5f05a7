import { Counter, Gauge, Registry } from 'prom-client';
import { TenantLabels } from '@cascade/metrics';
import { QuotaLedger } from './quota-ledger.service';

describe('QuotaLedger storage gauge', () => {
  it('keeps capped tenants apart: the "other" series is the sum of the tenants past the cap', async () => {
    const registers = [new Registry()];
    const gauge = new Gauge({ name: 'storage_test', help: 'x', labelNames: ['tenant_id'], registers });
    const counter = new Counter({ name: 'denied_test', help: 'x', labelNames: ['tenant_id', 'resource'], registers });
    const labels = new TenantLabels({ metricsMaxTenantLabels: 1 } as never);
    const ledger = new QuotaLedger(labels, counter, gauge);
    const usage = (bytes: number) => ({ users: 0, workrooms: 0, storage_bytes: bytes });
    ledger.observeUsage('tenant-a', usage(100));
    ledger.observeUsage('tenant-b', usage(20));
    ledger.observeUsage('tenant-c', usage(3));
    ledger.observeUsage('tenant-b', usage(30));
    const values = Object.fromEntries((await gauge.get()).values.map((v) => [v.labels.tenant_id, v.value]));
    expect(values).toEqual({ 'tenant-a': 100, other: 33 });
  });
});
