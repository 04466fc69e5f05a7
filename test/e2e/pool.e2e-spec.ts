import { poolIsolationSuite } from '../suites/pool-isolation.suite';
import { TestApp } from '../support/test-app';

// Correctness, not latency: requests may queue for one of the two connections as long as they need.
poolIsolationSuite(
  'one connection, one transaction per request, under a tiny pool (direct)',
  () => TestApp.start({ env: { DB_POOL_SIZE: '2', DB_CONNECT_TIMEOUT_MS: '60000' } }),
  2,
);
