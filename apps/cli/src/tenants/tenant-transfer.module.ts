import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule, AuditRepository } from '@cascade/audit';
import { CacheModule } from '@cascade/cache';
import { APP_CONFIG, AppConfig, CoreModule } from '@cascade/core';
import { DatabaseModule, TransactionRunner } from '@cascade/database';
import { MetricsModule } from '@cascade/metrics';
import { PlanCatalog, QuotaLedger, QuotaRepository, QuotasModule } from '@cascade/quotas';
import { ObjectStorage, StagingArea, StorageModule } from '@cascade/storage';
import { TENANT_LOOKUP_CACHE, TenantLookupCache } from '@cascade/tenancy';
import { TenantExporter } from './export/tenant-exporter';
import { fileWriter } from './import/file-writer';
import { ImportRepository } from './import/import.repository';
import { TenantImporter } from './import/tenant-importer';

/**
 * What `cascade tenants` needs, wired as the API wires it (same pool settings, quota ledger,
 * storage driver, audit and routing-cache invalidation), without an HTTP server.
 */
@Module({})
export class TenantTransferModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: TenantTransferModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule.forRoot(),
        MetricsModule.forRoot({ processMetrics: false }),
        CacheModule,
        QuotasModule,
        StorageModule,
        AuditModule,
      ],
      providers: [
        {
          provide: TenantImporter,
          inject: [
            TransactionRunner,
            PlanCatalog,
            QuotaRepository,
            QuotaLedger,
            AuditRepository,
            ObjectStorage,
            StagingArea,
            TENANT_LOOKUP_CACHE,
            APP_CONFIG,
          ],
          useFactory: (
            runner: TransactionRunner,
            plans: PlanCatalog,
            quotas: QuotaRepository,
            ledger: QuotaLedger,
            audit: AuditRepository,
            storage: ObjectStorage,
            staging: StagingArea,
            routing: TenantLookupCache,
            cfg: AppConfig,
          ) =>
            new TenantImporter({
              runner,
              plans,
              quotas,
              ledger,
              audit,
              repo: new ImportRepository(),
              files: fileWriter(storage, staging),
              baseDomain: cfg.baseDomain,
              // API replicas may remember "no such slug" for a few seconds: tell them it exists now.
              tenantCreated: (tenant) => routing.invalidate(tenant),
            }),
        },
        {
          provide: TenantExporter,
          inject: [TransactionRunner, AuditRepository, ObjectStorage],
          useFactory: (runner: TransactionRunner, audit: AuditRepository, storage: ObjectStorage) =>
            new TenantExporter({ runner, audit, storage }),
        },
      ],
    };
  }
}
