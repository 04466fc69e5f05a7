/** Every metric CASCADE exports. Labels never carry raw paths, resource ids or user ids. */
export const M = {
  requests: 'cascade_api_requests_total',
  responseTime: 'cascade_response_time_seconds',
  activeUsers: 'cascade_active_users',
  storageUsage: 'cascade_storage_usage_bytes',
  dbPool: 'cascade_db_pool_connections',
  cacheRequests: 'cascade_cache_requests_total',
  cacheErrors: 'cascade_cache_errors_total',
  rateLimited: 'cascade_rate_limited_total',
  concurrencyLimited: 'cascade_concurrency_limited_total',
  quotaDenied: 'cascade_quota_denied_total',
  rateLimitBackendErrors: 'cascade_rate_limit_backend_errors_total',
  redisUp: 'cascade_redis_up',
  cacheTrusted: 'cascade_cache_trusted',
} as const;

/** Buckets that resolve the 50–200 ms range the SLOs talk about. */
export const RESPONSE_TIME_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5];
