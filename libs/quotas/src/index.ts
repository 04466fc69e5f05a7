export * from './ledger/quota-ledger.service';
export * from './ledger/quota.repository';
export * from './plans/plan-catalog';
export * from './plans/quota-limits';
export * from './quotas.module';
