import { randomBytes } from 'node:crypto';
import { scramVerifier } from '../../apps/cli/src/citus/scram-verifier';
import { TestDatabase, withClient } from '../support/test-database';
import { runCitusCli } from './cli-harness';

/**
 * `cascade citus roles` on plain PostgreSQL: the dry run shows the SQL with the secrets redacted
 * and the pg_hba.conf lines; a real run refuses without Citus and leaves the request roles
 * NOLOGIN; the SCRAM verifier it sends is the one PostgreSQL itself derives from the password.
 */
describe('cascade citus roles', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.create();
  });
  afterAll(() => db.drop());

  const citus = (args: string[]) => runCitusCli(args, db);
  const canLogin = () =>
    db.query<{ rolname: string; rolcanlogin: boolean }>(
      `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('cascade_tenant', 'cascade_platform') ORDER BY 1`,
    );

  it('--dry-run: the statements with every secret redacted, what a real run would refuse, and the pg_hba.conf lines for this database', async () => {
    const run = await citus(['roles', '--coordinator-cidr', '10.1.2.3/32', '--dry-run']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('-- a real run would refuse:\n--   the citus extension is not installed in this database');
    expect(run.stdout).toContain(
      "ALTER ROLE cascade_tenant LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '<SCRAM-SHA-256 verifier of a generated password>';",
    );
    expect(run.stdout).toContain(
      "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'cascade_tenant', 'password=<the same generated password>')",
    );
    expect(run.stdout).toContain(`--   hostssl  ${db.name}  cascade_tenant,cascade_platform  10.1.2.3/32  scram-sha-256`);
    expect(run.stdout).not.toMatch(/SCRAM-SHA-256\$/);
    expect(await canLogin()).toEqual([
      { rolname: 'cascade_platform', rolcanlogin: false },
      { rolname: 'cascade_tenant', rolcanlogin: false },
    ]);
  });

  it('a real run on plain PostgreSQL refuses and leaves both roles NOLOGIN', async () => {
    const run = await citus(['roles', '--coordinator-cidr', '10.1.2.3/32']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/cascade citus roles cannot run on .*\n {2}- the citus extension is not installed in this database/);
    expect((await canLogin()).map((r) => r.rolcanlogin)).toEqual([false, false]);
  });

  it('refuses a missing or malformed --coordinator-cidr before connecting', async () => {
    const missing = await citus(['roles']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^--coordinator-cidr is required/);
    const bad = await citus(['roles', '--coordinator-cidr', '10.0.0.0/8 trust']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^--coordinator-cidr must be an address with a prefix length/);
  });

  it('the SCRAM verifier equals the one PostgreSQL derives from the same password and salt, and PostgreSQL stores it as given', async () => {
    const role = `cascade_scram_check_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(24).toString('base64url');
    await withClient(db.adminUrl, async (c) => {
      try {
        await c.query(`CREATE ROLE ${role} NOLOGIN`);
        await c.query(`SET password_encryption = 'scram-sha-256'`);
        await c.query(`ALTER ROLE ${role} PASSWORD ${c.escapeLiteral(password)}`);
        const stored = (await c.query<{ p: string }>(`SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1`, [role])).rows[0].p;
        const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored);
        expect(m).not.toBeNull();
        const [, iterations, salt] = m as RegExpExecArray;
        expect(scramVerifier(password, Buffer.from(salt, 'base64'), Number(iterations))).toBe(stored);

        const ours = scramVerifier(password, randomBytes(16));
        await c.query(`ALTER ROLE ${role} PASSWORD ${c.escapeLiteral(ours)}`);
        expect((await c.query<{ p: string }>(`SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1`, [role])).rows[0].p).toBe(ours);
      } finally {
        await c.query(`DROP ROLE IF EXISTS ${role}`);
      }
    });
  });
});
