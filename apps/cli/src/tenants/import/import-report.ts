import { COLLECTIONS, CollectionName } from '../format/export-format';
import { Problem } from '../format/problem';

export interface CollectionCounts {
  total: number;
  created: number;
  skipped_existing: number;
  failed: number;
}

/** What an import run did (or, with --dry-run, would do); also the `--json` output. */
export interface ImportReport {
  status: 'ok' | 'invalid' | 'failed';
  dry_run: boolean;
  tenant: {
    id: string;
    slug: string;
    name: string;
    plan: string;
    /** This run created the tenant (with --dry-run: would create it). */
    created: boolean;
    /** The tenant's previous import had not finished; this run picked it up. */
    resumed: boolean;
    /** Where its users log in: `<slug>.<BASE_DOMAIN>` and the custom domain. */
    hosts: string[];
  } | null;
  collections: Record<CollectionName, CollectionCounts>;
  batches: number;
  /** Users who cannot log in until a password is set for them (PATCH /api/users/:id). */
  password_resets: string[];
  problems: Problem[];
  error?: string;
}

export function emptyCounts(): Record<CollectionName, CollectionCounts> {
  return Object.fromEntries(COLLECTIONS.map((c) => [c, { total: 0, created: 0, skipped_existing: 0, failed: 0 }])) as Record<
    CollectionName,
    CollectionCounts
  >;
}

/** Exit codes of the CLI: 0 ok, 1 the export (or the command line) is invalid, 2 the run failed. */
export function exitCode(report: Pick<ImportReport, 'status'>): 0 | 1 | 2 {
  return report.status === 'ok' ? 0 : report.status === 'invalid' ? 1 : 2;
}
