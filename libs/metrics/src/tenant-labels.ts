import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@cascade/core';

export const OTHER_TENANTS = 'other';

/**
 * Per-tenant labels are how Prometheus dies: the first METRICS_MAX_TENANT_LABELS distinct tenants
 * seen by this process keep their own label value, every later one counts as "other". First come,
 * first labelled keeps series stable for the life of the process (no re-labelling churn).
 */
@Injectable()
export class TenantLabels {
  private readonly known = new Set<string>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  label(tenantId: string | null | undefined): string {
    if (!tenantId) return 'none';
    if (this.known.has(tenantId)) return tenantId;
    if (this.known.size < this.config.metricsMaxTenantLabels) {
      this.known.add(tenantId);
      return tenantId;
    }
    return OTHER_TENANTS;
  }
}
