import { Inject, Injectable } from '@nestjs/common';
import { TenantCache } from '@cascade/cache';
import {
  APP_CONFIG,
  AppConfig,
  conflict,
  decodeCursor,
  featureNotEnabled,
  notFound,
  Page,
  toPage,
  uuidv7,
  validationFailed,
} from '@cascade/core';
import { isUniqueViolation } from '@cascade/database';
import { effectiveLimits, PlanCatalog, QuotaLedger, QuotaLimits, QuotaRepository, Usage } from '@cascade/quotas';
import { ObjectStorage } from '@cascade/storage';
import { RESERVED_SLUGS, TenantConnection, TenantDirectory, TenantRecord } from '@cascade/tenancy';
import { UsersService } from '../users/users.service';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { QuotaOverridesDto } from './dto/quota-overrides.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsRepository } from './tenants.repository';

export interface QuotaView {
  limits: QuotaLimits;
  usage: Usage;
}

/**
 * Platform administration. Runs on the request's platform transaction; to touch a tenant's
 * own rows it first aims the row-level policies at that tenant (actAsTenant).
 */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly quotas: QuotaRepository,
    private readonly ledger: QuotaLedger,
    private readonly plans: PlanCatalog,
    private readonly users: UsersService,
    private readonly directory: TenantDirectory,
    private readonly cache: TenantCache,
    private readonly storage: ObjectStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(db: TenantConnection, dto: CreateTenantDto): Promise<TenantRecord> {
    if (RESERVED_SLUGS.includes(dto.slug)) throw validationFailed(`slug "${dto.slug}" is reserved`);
    const plan = this.requirePlan(dto.plan ?? PlanCatalog.DEFAULT_PLAN);
    const em = await db.manager();
    let tenant: TenantRecord;
    try {
      tenant = await this.tenants.insert(em, { id: uuidv7(), slug: dto.slug, name: dto.name, plan });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('slug_taken', `The slug "${dto.slug}" is already taken`);
      throw err;
    }
    await db.actAsTenant(tenant.id);
    await this.quotas.insertQuota(em, tenant.id, this.plans.limits(plan));
    if (dto.owner) await this.users.create(em, tenant.id, { ...dto.owner, role: 'owner' });
    await this.directory.invalidate(tenant);
    return tenant;
  }

  async list(db: TenantConnection, limit: number, cursor?: string): Promise<Page<TenantRecord>> {
    return toPage(await this.tenants.listAfter(await db.manager(), decodeCursor(cursor), limit + 1), limit, (t) => t);
  }

  async get(db: TenantConnection, id: string): Promise<TenantRecord> {
    const tenant = await this.tenants.findById(await db.manager(), id);
    if (!tenant) throw notFound();
    return tenant;
  }

  async update(db: TenantConnection, id: string, dto: UpdateTenantDto): Promise<TenantRecord> {
    const before = await this.get(db, id);
    const em = await db.manager();
    await db.actAsTenant(id);
    // One read of the quota row serves both steps; a plan change in the same request decides
    // whether the custom domain is allowed.
    const quota = dto.plan !== undefined || dto.custom_domain ? await this.requireQuota(db, id) : undefined;
    let limits: QuotaLimits | undefined = quota;
    if (quota && dto.plan !== undefined && dto.plan !== before.plan) {
      limits = effectiveLimits(this.plans.limits(this.requirePlan(dto.plan)), quota.overrides);
      await this.quotas.updateQuota(em, id, limits, quota.overrides);
    }
    if (limits && dto.custom_domain) {
      if (!limits.custom_domain_allowed) throw featureNotEnabled('custom_domain');
      const base = this.config.baseDomain;
      if (base && (dto.custom_domain === base || dto.custom_domain.endsWith(`.${base}`))) {
        throw validationFailed('custom_domain must not be under BASE_DOMAIN');
      }
    }
    let updated: TenantRecord | null;
    try {
      updated = await this.tenants.update(em, id, { name: dto.name, plan: dto.plan, status: dto.status, customDomain: dto.custom_domain });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('conflict', 'This custom domain is used by another tenant');
      throw err;
    }
    if (!updated) throw notFound();
    await this.directory.invalidate(before);
    await this.directory.invalidate(updated);
    return updated;
  }

  async getQuota(db: TenantConnection, id: string): Promise<QuotaView> {
    await this.get(db, id);
    await db.actAsTenant(id);
    return this.quotaView(db, id);
  }

  async putQuota(db: TenantConnection, id: string, dto: QuotaOverridesDto): Promise<QuotaView> {
    const tenant = await this.get(db, id);
    await db.actAsTenant(id);
    const quota = await this.requireQuota(db, id);
    const overrides: Partial<QuotaLimits> = { ...quota.overrides };
    for (const [key, value] of Object.entries(dto)) if (value !== undefined) (overrides as Record<string, unknown>)[key] = value;
    await this.quotas.updateQuota(await db.manager(), id, effectiveLimits(this.plans.limits(tenant.plan), overrides), overrides);
    await this.directory.invalidate(tenant);
    return this.quotaView(db, id);
  }

  async remove(db: TenantConnection, id: string): Promise<void> {
    const tenant = await this.get(db, id);
    if (!(await this.tenants.delete(await db.manager(), id))) throw notFound();
    db.afterCommit(() => this.cache.flushTenant(id));
    // The stored bytes go once the rows are gone for good; should this fail, the files sweeper
    // finds objects of a tenant that no longer exists and purges them.
    db.afterCommit(() => this.storage.purgeTenant(id));
    await this.directory.invalidate(tenant);
  }

  /** Limits and live usage of a tenant (the transaction must act for it). */
  async quotaView(db: TenantConnection, tenantId: string): Promise<QuotaView> {
    const { overrides: _overrides, usage, tenantId: _tenantId, ...limits } = await this.requireQuota(db, tenantId);
    this.ledger.observeUsage(tenantId, usage);
    return { limits, usage };
  }

  private async requireQuota(db: TenantConnection, tenantId: string) {
    const quota = await this.quotas.findQuota(await db.manager(), tenantId);
    if (!quota) throw new Error('Tenant has no quota row');
    return quota;
  }

  private requirePlan(plan: string): string {
    if (!this.plans.has(plan)) throw validationFailed(`Unknown plan "${plan}"; known plans: ${this.plans.names().join(', ')}`);
    return plan;
  }
}
