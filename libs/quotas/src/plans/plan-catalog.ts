import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigError } from '@cascade/core';
import { NUMERIC_LIMITS, QuotaLimits } from './quota-limits';

export const DEFAULT_PLANS_FILE = 'config/plans.json';

/** Reads and checks a plans file: every plan must define every quota field. */
export function loadPlans(file: string): Map<string, QuotaLimits> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (err) {
    throw new ConfigError('PLANS_FILE', `could not be read as JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('PLANS_FILE', 'must hold an object of plans');
  const plans = new Map<string, QuotaLimits>();
  for (const [name, value] of Object.entries(raw as Record<string, Record<string, unknown>>)) {
    for (const key of NUMERIC_LIMITS) {
      if (!Number.isSafeInteger(value[key]) || (value[key] as number) < 0) {
        throw new ConfigError('PLANS_FILE', `plan "${name}" needs a whole number ${key}`);
      }
    }
    if (typeof value.custom_domain_allowed !== 'boolean') throw new ConfigError('PLANS_FILE', `plan "${name}" needs custom_domain_allowed`);
    if (!Array.isArray(value.features) || !value.features.every((f) => typeof f === 'string')) {
      throw new ConfigError('PLANS_FILE', `plan "${name}" needs a features list`);
    }
    plans.set(name, value as unknown as QuotaLimits);
  }
  if (!plans.has('standard')) throw new ConfigError('PLANS_FILE', 'must define the default plan "standard"');
  return plans;
}

/** Plans live in config (PLANS_FILE, default config/plans.json), not in code. */
@Injectable()
export class PlanCatalog {
  static readonly DEFAULT_PLAN = 'standard';
  private readonly plans: Map<string, QuotaLimits>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.plans = loadPlans(config.plansFile ?? DEFAULT_PLANS_FILE);
  }

  has(name: string): boolean {
    return this.plans.has(name);
  }

  names(): string[] {
    return [...this.plans.keys()];
  }

  limits(name: string): QuotaLimits {
    const plan = this.plans.get(name);
    if (!plan) throw new Error(`Unknown plan ${name}`);
    return { ...plan, features: [...plan.features] };
  }
}
