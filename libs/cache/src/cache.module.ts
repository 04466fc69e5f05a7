import { Global, Module } from '@nestjs/common';
import { PRINCIPAL_NUDGE, PrincipalNudge } from '@cascade/auth';
import { TENANT_LOOKUP_CACHE } from '@cascade/tenancy';
import { CacheGeneration } from './cache-generation';
import { InvalidationBus } from './invalidation-bus';
import { RedisConnection } from './redis-connection';
import { ReplicatedTenantLookupCache } from './replicated-tenant-lookup.cache';
import { TenantCache } from './tenant-cache.service';

@Global()
@Module({
  providers: [
    RedisConnection,
    CacheGeneration,
    InvalidationBus,
    TenantCache,
    ReplicatedTenantLookupCache,
    { provide: TENANT_LOOKUP_CACHE, useExisting: ReplicatedTenantLookupCache },
    {
      provide: PRINCIPAL_NUDGE,
      inject: [InvalidationBus],
      useFactory: (bus: InvalidationBus): PrincipalNudge => ({
        publish: () => bus.principalsChanged(),
        onNudge: (listener) => bus.onPrincipalsChanged(listener),
      }),
    },
  ],
  exports: [RedisConnection, CacheGeneration, InvalidationBus, TenantCache, TENANT_LOOKUP_CACHE, PRINCIPAL_NUDGE],
})
export class CacheModule {}
