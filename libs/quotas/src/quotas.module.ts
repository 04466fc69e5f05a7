import { Global, Module } from '@nestjs/common';
import { ConcurrencyLimiter } from './concurrency/concurrency-limiter';
import { QuotaLedger } from './ledger/quota-ledger.service';
import { QuotaRepository } from './ledger/quota.repository';
import { TenantLimits } from './limits/tenant-limits.service';
import { PlanCatalog } from './plans/plan-catalog';
import { RateLimiter } from './rate-limit/rate-limiter';
import { TenantLimitsGuard } from './tenant-limits.guard';

const PROVIDERS = [PlanCatalog, QuotaLedger, QuotaRepository, TenantLimits, RateLimiter, ConcurrencyLimiter, TenantLimitsGuard];

@Global()
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class QuotasModule {}
