import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { M, RESPONSE_TIME_BUCKETS } from './metric-names';

export const METRIC_PROVIDERS = [
  makeCounterProvider({
    name: M.requests,
    help: 'API requests by tenant, route template, method and status',
    labelNames: ['tenant_id', 'endpoint', 'method', 'status'],
  }),
  makeHistogramProvider({
    name: M.responseTime,
    help: 'Response time in seconds by tenant and route template',
    labelNames: ['tenant_id', 'endpoint'],
    buckets: RESPONSE_TIME_BUCKETS,
  }),
  makeGaugeProvider({ name: M.activeUsers, help: 'Distinct users seen per tenant in the last 5 minutes', labelNames: ['tenant_id'] }),
  makeGaugeProvider({ name: M.storageUsage, help: 'Stored bytes per tenant (quota usage)', labelNames: ['tenant_id'] }),
  makeCounterProvider({ name: M.cacheRequests, help: 'Cache lookups by result (hit, miss, error)', labelNames: ['result'] }),
  makeCounterProvider({
    name: M.cacheErrors,
    help: 'Cache backend failures (served from the database instead)',
    labelNames: ['operation'],
  }),
  makeCounterProvider({ name: M.rateLimited, help: 'Requests refused by the per-tenant rate limit', labelNames: ['tenant_id'] }),
  makeCounterProvider({
    name: M.concurrencyLimited,
    help: 'Requests refused by the per-tenant concurrency cap',
    labelNames: ['tenant_id'],
  }),
  makeCounterProvider({ name: M.quotaDenied, help: 'Creates refused by a counted quota', labelNames: ['tenant_id', 'resource'] }),
  makeCounterProvider({
    name: M.rateLimitBackendErrors,
    help: 'Rate-limit checks that fell back to the in-process counter because Redis failed',
  }),
  makeGaugeProvider({
    name: M.redisUp,
    help: '1 while the Redis connection is ready, 0 while it is not (requests are then served from the database)',
  }),
  makeGaugeProvider({
    name: M.cacheTrusted,
    help: '1 while this replica serves cache hits, 0 while it bypasses the cache (Redis away or its generation not yet re-checked)',
  }),
];
