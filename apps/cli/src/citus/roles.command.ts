import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { citusSettingsProblems } from '@cascade/database';
import { readConnectionFacts } from './catalog-facts';
import { CitusIo } from './citus-io';
import { hbaLines, LOGIN_ROLES, loginRolesSql, RoleCredential } from './login-roles';

/**
 * `cascade citus roles`: LOGIN for the request roles on the workers, the coordinator's copy of
 * their passwords in pg_dist_authinfo, and the pg_hba.conf lines to install. The passwords are
 * generated here (256 random bits each) and never printed: only the coordinator ever uses them,
 * for its own worker connections, so no person needs to know them. Running it again rotates them
 * in one transaction.
 */
export async function runRoles(
  client: Client,
  opts: { dryRun: boolean; coordinatorCidr: string; target: string },
  io: CitusIo,
): Promise<number> {
  const facts = await readConnectionFacts(client);
  // validated before anything runs, so a bad CIDR changes nothing
  const hba = hbaLines(facts.database, opts.coordinatorCidr);
  const existing = (
    await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [[...LOGIN_ROLES]])
  ).rows.map((r) => r.rolname);
  const preconditions = [
    ...citusSettingsProblems(facts.settings),
    ...(existing.length === LOGIN_ROLES.length ? [] : ['the request roles do not exist yet: run cascade migrate first']),
    ...(facts.superuser ? [] : [`${facts.user} is not a superuser (pg_dist_authinfo needs one): set DATABASE_ADMIN_URL`]),
  ];
  const credentials: RoleCredential[] = LOGIN_ROLES.map((role) => ({
    role,
    password: randomBytes(32).toString('base64url'),
    salt: randomBytes(16),
  }));
  const hbaText =
    `pg_hba.conf on every worker, above any broader rule (then SELECT pg_reload_conf();):\n${hba.workers.map((l) => `  ${l}\n`).join('')}` +
    `pg_hba.conf on the coordinator (the app logs in as its authenticator and only switches into these roles):\n${hba.coordinator.map((l) => `  ${l}\n`).join('')}`;

  if (opts.dryRun) {
    io.stdout.write(
      `-- cascade citus roles --dry-run: nothing was run. Target: ${opts.target} (database ${facts.database}, as ${facts.user})\n` +
        (preconditions.length > 0 ? `-- a real run would refuse:\n${preconditions.map((p) => `--   ${p}\n`).join('')}` : '') +
        `${loginRolesSql(credentials, { redact: true }).join('\n')}\n` +
        hbaText.replace(/^/gm, '-- '),
    );
    return 0;
  }
  if (preconditions.length > 0) {
    io.stderr.write(`cascade citus roles cannot run on ${opts.target}:\n${preconditions.map((p) => `  - ${p}\n`).join('')}`);
    return 1;
  }
  try {
    for (const statement of loginRolesSql(credentials)) await client.query(statement);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    io.stderr.write(`failed, nothing was changed: ${(err as Error).message}\n`);
    return 2;
  }
  io.stdout.write(`${LOGIN_ROLES.join(' and ')}: LOGIN with new generated passwords; the coordinator holds them in pg_dist_authinfo\n`);
  // Citus propagated the ALTER ROLE: read it back from every worker
  const perWorker = await client.query<{ nodename: string; nodeport: number; success: boolean; result: string }>(
    `SELECT nodename, nodeport, success, result FROM run_command_on_workers($$SELECT string_agg(rolname || '=' || rolcanlogin, ',' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('cascade_platform', 'cascade_tenant')$$)`,
  );
  const expected = 'cascade_platform=true,cascade_tenant=true';
  let ok = true;
  for (const w of perWorker.rows) {
    const good = w.success && w.result === expected;
    ok &&= good;
    io.stdout.write(`  worker ${w.nodename}:${w.nodeport}: ${good ? 'both roles can log in' : `NOT as expected (${w.result})`}\n`);
  }
  io.stdout.write(hbaText);
  return ok ? 0 : 2;
}
