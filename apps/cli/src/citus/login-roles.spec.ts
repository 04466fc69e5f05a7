import { checkedCidr, conninfoValue, hbaLines, loginRolesSql, RoleCredential } from './login-roles';
import { scramVerifier } from './scram-verifier';

const SALT = Buffer.alloc(16, 7);
const creds = (tenant: string, platform: string): RoleCredential[] => [
  { role: 'cascade_platform', password: platform, salt: SALT },
  { role: 'cascade_tenant', password: tenant, salt: SALT },
];

describe('LOGIN-mode SQL for the request roles', () => {
  it('one transaction: LOGIN with the SCRAM verifier (never the password), then the coordinator copy in pg_dist_authinfo', () => {
    const sql = loginRolesSql(creds('tenant-secret-1', 'platform-secret-2'));
    expect(sql).toEqual([
      'BEGIN;',
      "SET LOCAL log_statement = 'none';",
      'SET LOCAL log_min_duration_statement = -1;',
      `ALTER ROLE cascade_tenant LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${scramVerifier('tenant-secret-1', SALT)}';`,
      `ALTER ROLE cascade_platform LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${scramVerifier('platform-secret-2', SALT)}';`,
      "DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename IN ('cascade_tenant', 'cascade_platform');",
      "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, 'cascade_tenant', 'password=''tenant-secret-1'''), (0, 'cascade_platform', 'password=''platform-secret-2''');",
      'COMMIT;',
    ]);
    expect(sql.filter((s) => s.startsWith('ALTER ROLE')).join('\n')).not.toMatch(/tenant-secret-1|platform-secret-2/);
  });

  it('quotes a password with quotes and backslashes twice over: libpq conninfo inside an SQL literal', () => {
    const nasty = `a'b\\c"d;--`;
    expect(conninfoValue(nasty)).toBe(`'a\\'b\\\\c"d;--'`);
    const insert = loginRolesSql(creds(nasty, 'plain-password-0')).find((s) => s.startsWith('INSERT')) as string;
    // the SQL literal: every ' doubled, every \ doubled and the E'' form that makes backslashes literal
    expect(insert).toContain(`(0, 'cascade_tenant',  E'password=''a\\\\''b\\\\\\\\c"d;--''')`);
    // read back as PostgreSQL would: the E'' literal unescaped gives the conninfo text
    const literal = /cascade_tenant', {2}E'((?:[^']|'')*)'\)/.exec(insert)?.[1] as string;
    const text = literal.replace(/''/g, "'").replace(/\\\\/g, '\\');
    expect(text).toBe(`password=${conninfoValue(nasty)}`);
  });

  it('refuses anything but exactly the two request roles (role names are never input)', () => {
    expect(() => loginRolesSql([{ role: 'cascade_tenant', password: 'x-password-1', salt: SALT }])).toThrow(
      /exactly cascade_tenant and cascade_platform/,
    );
    expect(() =>
      loginRolesSql([...creds('a-password-1', 'b-password-2'), { role: 'postgres' as never, password: 'c', salt: SALT }]),
    ).toThrow(/exactly/);
  });

  it('redacts the secrets for --dry-run and says what they are', () => {
    const shown = loginRolesSql(creds('tenant-secret-1', 'platform-secret-2'), { redact: true }).join('\n');
    expect(shown).not.toMatch(/tenant-secret-1|platform-secret-2|SCRAM-SHA-256\$/);
    expect(shown).toContain(
      "ALTER ROLE cascade_tenant LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '<SCRAM-SHA-256 verifier of a generated password>';",
    );
    expect(shown).toContain("(0, 'cascade_platform', 'password=<the same generated password>')");
  });

  it('the SCRAM verifier has PostgreSQL’s format and refuses what SASLprep would change', () => {
    expect(scramVerifier('pencil-1', SALT)).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(scramVerifier('pencil-1', SALT)).not.toBe(scramVerifier('pencil-2', SALT));
    expect(() => scramVerifier('with space', SALT)).toThrow(/printable ASCII/);
    expect(() => scramVerifier('pässword', SALT)).toThrow(/printable ASCII/);
  });
});

describe('pg_hba.conf lines', () => {
  it('workers: the request roles from the coordinator only, over TLS; the coordinator refuses them', () => {
    expect(hbaLines('cascade', '10.0.0.5/32')).toEqual({
      workers: [
        'hostssl  cascade  cascade_tenant,cascade_platform  10.0.0.5/32  scram-sha-256',
        'host     all   cascade_tenant,cascade_platform  0.0.0.0/0  reject',
        'host     all   cascade_tenant,cascade_platform  ::/0       reject',
      ],
      coordinator: [
        'host     all   cascade_tenant,cascade_platform  0.0.0.0/0  reject',
        'host     all   cascade_tenant,cascade_platform  ::/0       reject',
      ],
    });
    expect(hbaLines('my-db', 'fd00::5/128').workers[0]).toBe(
      'hostssl  "my-db"  cascade_tenant,cascade_platform  fd00::5/128  scram-sha-256',
    );
  });

  it.each(['10.0.0.5', '10.0.0.5/33', '10.0.0.5/32 trust', 'host/32', '::1/129', '10.0.0.5/32\nhost all all 0.0.0.0/0 trust'])(
    'refuses the coordinator address %j (nothing but an address and a prefix reaches pg_hba.conf)',
    (cidr) => {
      expect(() => checkedCidr(cidr)).toThrow(/--coordinator-cidr must be an address with a prefix length/);
    },
  );

  it('refuses a database name that cannot be written into pg_hba.conf as one field', () => {
    expect(() => hbaLines('a b', '10.0.0.5/32')).toThrow(/cannot be written into pg_hba.conf/);
    expect(() => hbaLines('x"y', '10.0.0.5/32')).toThrow(/cannot be written into pg_hba.conf/);
  });
});
