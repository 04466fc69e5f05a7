import { DynamicModule, Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { HttpMetrics } from './http-metrics.service';
import { MetricsController } from './metrics.controller';
import { METRIC_PROVIDERS } from './metric-providers';
import { PoolMetrics } from './pool-metrics';
import { TenantLabels } from './tenant-labels';

@Global()
@Module({})
export class MetricsModule {
  static forRoot(opts: { processMetrics: boolean }): DynamicModule {
    // Node's default process metrics are registered once per process (tests start several apps).
    // Their event-loop monitor keeps a process alive, so short-lived processes may leave them off.
    const defaultsRegistered = register.getSingleMetric('process_cpu_user_seconds_total') !== undefined;
    return {
      module: MetricsModule,
      imports: [
        PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: opts.processMetrics && !defaultsRegistered } }),
      ],
      providers: [...METRIC_PROVIDERS, TenantLabels, HttpMetrics, PoolMetrics],
      exports: [...METRIC_PROVIDERS, TenantLabels, HttpMetrics],
    };
  }
}
