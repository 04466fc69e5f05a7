/** Unit specs live beside the code; e2e specs in test/ run against real PostgreSQL (and Redis). */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  // Type errors in specs fail `npm run check` (tsc over apps, libs, test and bench — a CI gate);
  // ts-jest only transpiles, so each test file does not pay for a type check of its own.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleNameMapper: { '^@cascade/(.*)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Each test file fails when the app sent a statement on a tenant table without tenant_id.
  setupFilesAfterEnv: ['<rootDir>/test/setup/tenant-predicate.setup.ts'],
  testTimeout: 60000,
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
};
