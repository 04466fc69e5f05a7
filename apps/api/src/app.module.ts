import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '@cascade/audit';
import { AuthModule, JwtAuthGuard, RolesGuard } from '@cascade/auth';
import { CacheModule } from '@cascade/cache';
import { AppConfig, CoreModule } from '@cascade/core';
import { DatabaseModule } from '@cascade/database';
import { IdempotencyModule } from '@cascade/idempotency';
import { MetricsModule } from '@cascade/metrics';
import { QuotasModule, TenantLimitsGuard } from '@cascade/quotas';
import { StorageModule } from '@cascade/storage';
import { TenancyModule, TenantGuard, TransactionInterceptor } from '@cascade/tenancy';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditApiModule } from './audit/audit-api.module';
import { ExternalUsersModule } from './auth/external-users.module';
import { LoginModule } from './auth/login.module';
import { CurrentTenantModule } from './current-tenant/current-tenant.module';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { ResourcesModule } from './resources/resources.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';
import { WorkroomsModule } from './workrooms/workrooms.module';

@Module({})
export class AppModule {
  /** Built from an already validated config, so tests can run several apps side by side. */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule.forRoot(),
        MetricsModule.forRoot({ processMetrics: config.metricsProcess }),
        AuthModule,
        TenancyModule,
        CacheModule,
        QuotasModule,
        StorageModule,
        AuditModule,
        IdempotencyModule,
        HealthModule,
        AuditApiModule,
        LoginModule,
        ExternalUsersModule,
        ApiKeysModule,
        TenantsModule,
        CurrentTenantModule,
        UsersModule,
        ResourcesModule,
        WorkroomsModule,
        FilesModule,
      ],
      providers: [
        // Global guards run in this order: who is calling, for which tenant, within its limits
        // (before any database connection is taken), with which role.
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: TenantGuard },
        { provide: APP_GUARD, useExisting: TenantLimitsGuard },
        { provide: APP_GUARD, useExisting: RolesGuard },
        // Outer: commit/rollback. Inner: the audit event joins the transaction before it commits.
        // One interceptor: the transaction's edge; the audit trail joins it before COMMIT.
        { provide: APP_INTERCEPTOR, useExisting: TransactionInterceptor },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
