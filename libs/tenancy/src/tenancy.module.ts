import { Global, Module } from '@nestjs/common';
import { TenantConnection } from './tenant-connection.provider';
import { TenantDirectory } from './tenant-directory.service';
import { TenantGuard } from './tenant.guard';
import { TenantHints } from './tenant-hints.service';
import { InProcessTenantLookupCache, TENANT_LOOKUP_CACHE } from './tenant-lookup.cache';
import { TransactionInterceptor } from './transaction.interceptor';

@Global()
@Module({
  providers: [
    { provide: TENANT_LOOKUP_CACHE, useClass: InProcessTenantLookupCache },
    TenantDirectory,
    TenantHints,
    TenantGuard,
    TenantConnection,
    TransactionInterceptor,
  ],
  exports: [TenantDirectory, TenantHints, TenantGuard, TenantConnection, TransactionInterceptor, TENANT_LOOKUP_CACHE],
})
export class TenancyModule {}
