import { Client } from 'pg';
import { PRINCIPAL_FEED_SQL } from '../../libs/auth/src/sessions/principal-feed-sql';
import { tenantPredicateProblems } from '../support/tenant-predicate';

/**
 * Every test file checks the SQL the app sent while it ran: each statement on a tenant-owned
 * table (the tables with a tenant_id column, read from the migrated catalog by the global setup)
 * must name its tenant explicitly — see test/support/tenant-predicate.ts. Only the app's own
 * connections count (application_name 'cascade', as dataSourceOptions sets it); what a test sends
 * itself to set up or inspect is not the app's SQL.
 */

/**
 * Deliberately cross-tenant statements, each with the reason it may span tenants. Nothing else is
 * exempt; on Citus these fan out to every shard, so none may be on a request's path.
 */
const CROSS_TENANT = new Map<string, string>([
  // The principal change feed every replica follows (platform role, policy platform_feed_read):
  // one poll a second for all tenants, off the request path; it must see every tenant's changes.
  [PRINCIPAL_FEED_SQL, 'principal change feed poll'],
]);

const tenantTables = new Set((process.env.CASCADE_TENANT_TABLES ?? '').split(',').filter(Boolean));
const seen = new Set<string>();

type Query = (this: Client, ...args: unknown[]) => unknown;
const proto = Client.prototype as unknown as { query: Query; __tenantPredicateWrapped?: boolean };
if (!proto.__tenantPredicateWrapped) {
  const original = proto.query;
  proto.query = function (this: Client, ...args: unknown[]) {
    const params = (this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters;
    if (params?.application_name === 'cascade') {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
      if (typeof text === 'string') seen.add(text);
    }
    return original.apply(this, args);
  };
  proto.__tenantPredicateWrapped = true;
}

afterAll(() => {
  if (!tenantTables.size) throw new Error('CASCADE_TENANT_TABLES is not set: run tests through jest with test/setup/global-setup.ts');
  const offenders: string[] = [];
  for (const text of seen) {
    if (CROSS_TENANT.has(text)) continue;
    const problems = tenantPredicateProblems(text, tenantTables);
    if (problems.length) offenders.push(`${problems.join('; ')}\n    in: ${text.replace(/\s+/g, ' ').trim()}`);
  }
  seen.clear();
  if (offenders.length) {
    throw new Error(`Statements on tenant tables without an explicit tenant_id (docs/citus.md):\n  ${offenders.join('\n  ')}`);
  }
});
