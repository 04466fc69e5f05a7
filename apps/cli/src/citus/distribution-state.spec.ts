import { ForeignKeyFact, planDistribution, TableFact } from './distribution-plan';
import { assessProgress, CitusTableState, classify } from './distribution-state';

const fk = (table: string, columns = ['tenant_id', `${table}_id`]): ForeignKeyFact => ({
  name: `to_${table}`,
  columns,
  referencedSchema: 'cascade',
  referencedTable: table,
  referencedColumns: table === 'tenants' ? ['id'] : ['tenant_id', 'id'],
});
const table = (name: string, hasTenantId: boolean, references: string[] = []): TableFact => ({
  name,
  hasTenantId,
  foreignKeys: references.map((r) => fk(r, r === 'tenants' ? ['tenant_id'] : undefined)),
  uniqueKeys: [],
  triggers: [],
});

// tenants (reference) ← users (anchor) ← user_sessions ← refresh_tokens; resources beside them
const PLAN = planDistribution([
  table('tenants', false),
  table('users', true, ['tenants']),
  table('user_sessions', true, ['tenants', 'users']),
  table('refresh_tokens', true, ['tenants', 'user_sessions']),
  table('resources', true, ['tenants']),
]);
const ORDER = ['tenants', 'users', 'resources', 'user_sessions', 'refresh_tokens'];

const reference = (t: string): CitusTableState => ({ table: t, kind: 'reference', column: null, colocationId: 1 });
const distributed = (t: string, colocationId = 7, column = 'tenant_id'): CitusTableState => ({
  table: t,
  kind: 'distributed',
  column,
  colocationId,
});
const citusLocal = (t: string): CitusTableState => ({ table: t, kind: 'citus_local', column: null, colocationId: 0 });
const names = (steps: { table: string }[]) => steps.map((s) => s.table);

describe('classify (pg_dist_partition)', () => {
  it.each([
    [{ method: 'h', repmodel: 's', colocationId: 4, column: 'tenant_id' }, 'distributed'],
    [{ method: 'n', repmodel: 't', colocationId: 2, column: null }, 'reference'],
    [{ method: 'n', repmodel: 's', colocationId: 0, column: null }, 'citus_local'],
    [{ method: 'n', repmodel: 'c', colocationId: 0, column: null }, 'citus_local'],
    [{ method: 'n', repmodel: 's', colocationId: 9, column: null }, 'other'], // single-shard distributed
    [{ method: 'a', repmodel: 'c', colocationId: 0, column: 'tenant_id' }, 'other'],
  ])('%j is %s', (row, kind) => {
    expect(classify({ table: 't', ...row }).kind).toBe(kind);
  });
});

describe('assessProgress: what a run does from the state it finds', () => {
  it('plain PostgreSQL tables (nothing in pg_dist_partition): every step pending, in plan order', () => {
    expect(names(PLAN.steps)).toEqual(ORDER);
    const p = assessProgress(PLAN, []);
    expect({ done: names(p.done), pending: names(p.pending), problems: p.problems }).toEqual({ done: [], pending: ORDER, problems: [] });
  });

  it('everything as planned: nothing to do (a second run changes nothing)', () => {
    const p = assessProgress(PLAN, [reference('tenants'), ...ORDER.slice(1).map((t) => distributed(t))]);
    expect({ done: names(p.done), pending: names(p.pending), problems: p.problems }).toEqual({ done: ORDER, pending: [], problems: [] });
  });

  it('half-way (a run stopped after a table): resumes with the rest', () => {
    const p = assessProgress(PLAN, [reference('tenants'), distributed('users'), distributed('resources')]);
    expect({ done: names(p.done), pending: names(p.pending), problems: p.problems }).toEqual({
      done: ['tenants', 'users', 'resources'],
      pending: ['user_sessions', 'refresh_tokens'],
      problems: [],
    });
  });

  it('Citus local tables that nothing Citus-local references in a harmful way are pending, not refused', () => {
    // a leaf tenant table converted automatically: create_distributed_table takes it as it is
    const p = assessProgress(PLAN, [reference('tenants'), distributed('users'), citusLocal('resources')]);
    expect({ pending: names(p.pending), problems: p.problems }).toEqual({
      pending: ['resources', 'user_sessions', 'refresh_tokens'],
      problems: [],
    });
  });

  it.each<[string, CitusTableState[], string[]]>([
    [
      'a tenant table distributed by another column',
      [reference('tenants'), distributed('users'), distributed('resources', 7, 'id')],
      ['cascade.resources is distributed by id (co-location group 7); the plan distributes it by tenant_id'],
    ],
    [
      'a tenant table in another co-location group',
      [reference('tenants'), distributed('users', 7), distributed('resources', 8)],
      ['cascade.resources is in co-location group 8, the anchor cascade.users in 7'],
    ],
    [
      'tenant tables distributed while the anchor is not',
      [reference('tenants'), distributed('resources')],
      ['cascade.resources is distributed, but the anchor cascade.users is not: this command distributes the anchor first'],
    ],
    [
      'a tenant table made a reference table',
      [reference('tenants'), distributed('users'), reference('resources')],
      ['cascade.resources is a reference table; the plan distributes it by tenant_id'],
    ],
    [
      'tenants distributed instead of replicated',
      [distributed('tenants', 3, 'id')],
      ['cascade.tenants is distributed by id (co-location group 3); the plan makes it a reference table'],
    ],
    [
      'a done table whose parent is not',
      [reference('tenants'), distributed('users'), distributed('refresh_tokens')],
      ['cascade.refresh_tokens is distributed but references cascade.user_sessions, which is not'],
    ],
    [
      'Citus local children of a table still to distribute',
      [reference('tenants'), citusLocal('users'), citusLocal('user_sessions'), citusLocal('refresh_tokens'), citusLocal('resources')],
      [
        expect.stringMatching(
          /^cascade\.user_sessions is a Citus local table that references cascade\.users, which is not distributed yet: Citus cannot distribute cascade\.users then/,
        ),
        expect.stringMatching(/^cascade\.refresh_tokens is a Citus local table that references cascade\.user_sessions/),
      ] as unknown as string[],
    ],
  ])('refuses %s, naming it, and runs nothing', (_what, states, problems) => {
    expect(assessProgress(PLAN, states).problems).toEqual(problems);
  });
});
