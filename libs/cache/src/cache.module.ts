import { Global, Module } from '@nestjs/common';
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
  ],
  exports: [RedisConnection, CacheGeneration, InvalidationBus, TenantCache, TENANT_LOOKUP_CACHE],
})
export class CacheModule {}
