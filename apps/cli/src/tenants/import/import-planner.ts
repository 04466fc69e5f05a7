import { EntityManager } from 'typeorm';
import { uuidv7 } from '@cascade/core';
import { ScopedTransaction } from '@cascade/database';
import { PlanCatalog, QuotaLedger, QuotaLimits, QuotaRepository, Usage } from '@cascade/quotas';
import { COLLECTIONS, CollectionName, TenantManifest } from '../format/export-format';
import { Problem } from '../format/problem';
import { ValidatedExport } from './export-validator';
import { ImportRepository } from './import.repository';
import { stableId } from './stable-ids';

export interface ImportPlan {
  tenantId: string;
  tenantExists: boolean;
  /** The tenant exists and its last import did not finish: this run resumes it. */
  resuming: boolean;
  plan: string;
  /** external_id → our id of what earlier runs imported, per collection. */
  existing: Record<CollectionName, Map<string, string>>;
  toCreate: Record<CollectionName, number>;
  /** Emails of users this run creates without a password hash. */
  passwordResets: string[];
}

export interface PlannerDeps {
  plans: PlanCatalog;
  quotas: QuotaRepository;
  ledger: QuotaLedger;
  repo: ImportRepository;
}

const COUNTED = [
  { resource: 'users', limit: 'max_users' },
  { resource: 'workrooms', limit: 'max_workrooms' },
  { resource: 'storage_bytes', limit: 'max_storage_bytes' },
] as const;

type Need = Record<(typeof COUNTED)[number]['resource'], number>;

/**
 * The database half of validation, read-only: is the slug free (or ours from an earlier run of
 * this same export), is the custom domain free and allowed, do the new records fit the quota, and
 * what exists already. Every finding is a problem; nothing is written.
 */
export async function planImport(
  em: EntityManager,
  tx: ScopedTransaction,
  exp: ValidatedExport & { manifest: TenantManifest },
  requestedPlan: string | undefined,
  deps: PlannerDeps,
): Promise<{ plan: ImportPlan; problems: Problem[] }> {
  const m = exp.manifest;
  const at = { file: exp.reader.manifestFile };
  const problems: Problem[] = [];
  const existing = Object.fromEntries(COLLECTIONS.map((c) => [c, new Map<string, string>()])) as ImportPlan['existing'];
  let limits: QuotaLimits;
  let usage: Usage = { users: 0, workrooms: 0, storage_bytes: 0 };
  let plan = requestedPlan ?? m.plan;
  let tenantId: string;
  let resuming = false;

  const tenant = await deps.repo.findTenantBySlug(em, m.slug);
  if (tenant) {
    tenantId = tenant.id;
    await tx.actAsTenant(tenant.id);
    const previous = await deps.repo.findImport(em, tenantId);
    if (!previous || previous.external_id !== m.external_id) {
      const origin = previous ? `an import of external_id "${previous.external_id}"` : 'not an import';
      problems.push({ ...at, field: 'slug', reason: `"${m.slug}" is taken by tenant ${tenant.id} (${origin}); choose another slug` });
      return { plan: emptyPlan(tenantId, plan, existing, true), problems };
    }
    resuming = previous.completed_at === null;
    if (requestedPlan !== undefined && requestedPlan !== tenant.plan) {
      problems.push({
        ...at,
        field: 'plan',
        reason: `the tenant exists on plan "${tenant.plan}"; change plans with PATCH /api/tenants/${tenant.id}`,
      });
    }
    plan = tenant.plan;
    const quota = await deps.quotas.findQuota(em, tenantId);
    if (!quota) throw new Error(`Tenant ${tenant.id} has no quota row`);
    limits = quota;
    usage = quota.usage;
    for (const c of COLLECTIONS) for (const [k, v] of await deps.repo.findKeys(em, tenantId, c)) existing[c].set(k, v);
    checkEmails(exp, existing.users, await deps.repo.userEmails(em, tenantId), problems);
  } else {
    tenantId = stableId('tenants', m.external_id);
    if (await deps.repo.tenantIdTaken(em, tenantId)) tenantId = uuidv7();
    if (m.custom_domain) {
      const owner = await deps.repo.domainOwner(em, m.custom_domain);
      if (owner)
        problems.push({ ...at, field: 'custom_domain', reason: `"${m.custom_domain}" is already the domain of tenant "${owner}"` });
    }
    if (!deps.plans.has(plan)) {
      problems.push({ ...at, field: 'plan', reason: `unknown plan "${plan}" (known: ${deps.plans.names().join(', ')})` });
      return { plan: emptyPlan(tenantId, plan, existing, false), problems };
    }
    limits = deps.plans.limits(plan);
  }

  const toCreate = Object.fromEntries(
    COLLECTIONS.map((c) => [c, [...exp.keys[c].keys()].filter((k) => !existing[c].has(k)).length]),
  ) as Record<CollectionName, number>;
  let newBytes = 0;
  for (const [key, facts] of exp.files) if (!existing.files.has(key)) newBytes += facts.size;
  const need: Need = { users: toCreate.users, workrooms: toCreate.workrooms, storage_bytes: newBytes };
  checkFits(need, usage, limits, plan, tenant?.id, m, deps.plans, at, problems);

  const passwordResets = [...exp.emails]
    .filter(([, key]) => exp.withoutPassword.has(key) && !existing.users.has(key))
    .map(([email]) => email);
  return { plan: { tenantId, tenantExists: tenant !== null, resuming, plan, existing, toCreate, passwordResets }, problems };
}

/** The plan of an import that cannot go ahead (its problems say why). */
function emptyPlan(tenantId: string, plan: string, existing: ImportPlan['existing'], tenantExists: boolean): ImportPlan {
  const none = Object.fromEntries(COLLECTIONS.map((c) => [c, 0])) as Record<CollectionName, number>;
  return { tenantId, tenantExists, resuming: false, plan, existing, toCreate: none, passwordResets: [] };
}

/** A new user whose email an existing user of the tenant (not from this export) already has. */
function checkEmails(exp: ValidatedExport, imported: Map<string, string>, dbEmails: Map<string, string>, problems: Problem[]): void {
  for (const [email, key] of exp.emails) {
    if (imported.has(key) || !dbEmails.has(email)) continue;
    const where = exp.keys.users.get(key);
    problems.push({
      ...(where ?? { file: exp.reader.manifestFile }),
      field: 'email',
      reason: `"${email}" belongs to an existing user of the tenant that this export did not create`,
    });
  }
}

function checkFits(
  need: Need,
  usage: Usage,
  limits: QuotaLimits,
  plan: string,
  existingTenantId: string | undefined,
  m: TenantManifest,
  plans: PlanCatalog,
  at: { file: string },
  problems: Problem[],
): void {
  const fits = (l: QuotaLimits) => COUNTED.every(({ resource, limit }) => usage[resource] + need[resource] <= l[limit]);
  const domainOk = (l: QuotaLimits) => !m.custom_domain || l.custom_domain_allowed;
  const over = COUNTED.filter(({ resource, limit }) => usage[resource] + need[resource] > limits[limit]);
  const domainRefused = !existingTenantId && !domainOk(limits);
  if (over.length === 0 && !domainRefused) return;
  const better = plans.names().find((name) => fits(plans.limits(name)) && domainOk(plans.limits(name)));
  const hint = existingTenantId
    ? `raise the quota with PUT /api/tenants/${existingTenantId}/quota`
    : better
      ? `import with --plan ${better}`
      : 'no plan is large enough: import on the largest plan after raising its limits';
  for (const { resource, limit } of over) {
    const used = usage[resource] ? ` (${usage[resource]} already used)` : '';
    problems.push({
      ...at,
      field: 'plan',
      reason: `${need[resource]} new ${resource} exceed ${limit} ${limits[limit]} of plan "${plan}"${used}; ${hint}`,
    });
  }
  if (domainRefused) problems.push({ ...at, field: 'custom_domain', reason: `plan "${plan}" does not allow custom domains; ${hint}` });
}
