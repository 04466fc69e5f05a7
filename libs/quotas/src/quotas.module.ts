import { Global, Module } from '@nestjs/common';
import { QuotaLedger } from './ledger/quota-ledger.service';
import { QuotaRepository } from './ledger/quota.repository';
import { PlanCatalog } from './plans/plan-catalog';

@Global()
@Module({
  providers: [PlanCatalog, QuotaLedger, QuotaRepository],
  exports: [PlanCatalog, QuotaLedger, QuotaRepository],
})
export class QuotasModule {}
