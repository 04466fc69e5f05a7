import { tenantPredicateProblems } from './tenant-predicate';

const TABLES = new Set(['users', 'resources', 'files', 'user_sessions', 'refresh_tokens', 'import_keys', 'idempotency_keys']);
const check = (text: string) => tenantPredicateProblems(text, TABLES);

describe('tenantPredicateProblems', () => {
  it.each([
    ['a by-id read', 'SELECT id FROM cascade.resources WHERE tenant_id = $1 AND id = $2'],
    ['a keyset page', 'SELECT id FROM cascade.resources WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3'],
    ['the parameter on the left', 'DELETE FROM cascade.users WHERE $1::uuid = tenant_id AND id = $2'],
    ['an INSERT with the tenant as a parameter', 'INSERT INTO cascade.users (tenant_id, id, email) VALUES ($1, $2, $3) RETURNING id'],
    ['several VALUES rows', 'INSERT INTO cascade.users (id, tenant_id) VALUES ($2, $1), ($3, $1)'],
    [
      'an INSERT … SELECT',
      'INSERT INTO cascade.refresh_tokens (tenant_id, token_hash) SELECT $1, $2 FROM cascade.user_sessions WHERE tenant_id = $1 AND id = $3',
    ],
    [
      'an INSERT with an alias and ON CONFLICT',
      "INSERT INTO cascade.idempotency_keys AS k (tenant_id, key) VALUES ($1, $2) ON CONFLICT (tenant_id, key) DO UPDATE SET state = 'x' WHERE k.expires_at <= now()",
    ],
    [
      'a co-located join held by one side',
      'SELECT s.id FROM cascade.user_sessions s JOIN cascade.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id WHERE s.tenant_id = $1',
    ],
    [
      'a CTE and its UPDATE, each held',
      'WITH old AS (SELECT tenant_id, id FROM cascade.files WHERE tenant_id = $1 AND id = $2 FOR UPDATE) UPDATE cascade.files f SET status = 1 FROM old WHERE f.tenant_id = $1 AND f.id = old.id',
    ],
    ['a table that is not tenant-owned', 'SELECT id FROM cascade.tenants WHERE id = $1'],
    ['DDL', 'ALTER TABLE cascade.users ENABLE ROW LEVEL SECURITY'],
    ['the scope batch', "BEGIN; SELECT set_config('role', 'cascade_tenant', true)"],
    ['text inside a string literal', "SELECT pg_advisory_xact_lock(hashtextextended('cascade.users', 0))"],
  ])('accepts %s', (_, text) => {
    expect(check(text)).toEqual([]);
  });

  it.each([
    ['a read without the predicate', 'SELECT id FROM cascade.resources WHERE id = $1', /cascade\.resources is not held/],
    ['a predicate only in a comment', 'SELECT id FROM cascade.resources WHERE id = $1 -- tenant_id = $2', /not held/],
    ['a predicate only in a string', "SELECT id FROM cascade.resources WHERE name = 'tenant_id = $1'", /not held/],
    ['a list of tenants', 'SELECT id FROM cascade.resources WHERE tenant_id = ANY($1::uuid[])', /not held/],
    ['an UPDATE of every visible row', 'UPDATE cascade.users SET session_epoch = 0', /cascade\.users is not held/],
    [
      'a predicate on the other table only',
      'SELECT u.id FROM cascade.users u JOIN cascade.resources r ON r.created_by = u.id WHERE u.tenant_id = $1',
      /cascade\.resources r is not held/,
    ],
    [
      'a predicate only inside the sub-query',
      'SELECT id FROM cascade.users WHERE id IN (SELECT created_by FROM cascade.resources WHERE tenant_id = $1)',
      /cascade\.users is not held/,
    ],
    [
      'an INSERT taking the tenant from the setting',
      "INSERT INTO cascade.users (tenant_id, id) VALUES (current_setting('app.current_tenant')::uuid, $1)",
      /not a bind parameter/,
    ],
    ['an INSERT without tenant_id', 'INSERT INTO cascade.users (id, email) VALUES ($1, $2)', /does not set tenant_id/],
    [
      'an INSERT … SELECT from the setting',
      "INSERT INTO cascade.import_keys (tenant_id, collection) SELECT current_setting('app.current_tenant')::uuid, $1 FROM x",
      /not a bind parameter/,
    ],
    [
      'a CTE held but its UPDATE not',
      'WITH old AS (SELECT tenant_id, id FROM cascade.files WHERE tenant_id = $1) UPDATE cascade.files f SET status = 1 FROM old WHERE f.tenant_id = old.tenant_id',
      /cascade\.files f is not held/,
    ],
  ])('refuses %s', (_, text, reason) => {
    const problems = check(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(reason);
  });
});
