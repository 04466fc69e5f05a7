export { InjectMetric } from '@willsoto/nestjs-prometheus';
export * from './metric-names';
export * from './metrics.module';
export * from './tenant-labels';
export * from './http-metrics.service';
