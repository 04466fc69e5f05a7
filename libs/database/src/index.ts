export * from './data-source-options';
export * from './sql';
export * from './embedded-postgres';
export * from './database.module';
export * from './migrate';
export * from './migrations/rls';
export * from './scoped-transaction';
export * from './transaction-runner.service';
