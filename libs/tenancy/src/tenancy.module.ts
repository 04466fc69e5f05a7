import { Global, Module } from '@nestjs/common';
import { TenantConnection } from './tenant-connection.provider';
import { TenantDirectory } from './tenant-directory.service';
import { TenantGuard } from './tenant.guard';
import { TenantHints } from './tenant-hints.service';
import { TransactionInterceptor } from './transaction.interceptor';

/** TENANT_LOOKUP_CACHE is provided by libs/cache (replicated) — or any TenantLookupCache. */
@Global()
@Module({
  providers: [TenantDirectory, TenantHints, TenantGuard, TenantConnection, TransactionInterceptor],
  exports: [TenantDirectory, TenantHints, TenantGuard, TenantConnection, TransactionInterceptor],
})
export class TenancyModule {}
