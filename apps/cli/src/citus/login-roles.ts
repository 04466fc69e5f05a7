import { isIP } from 'node:net';
import { escapeLiteral } from 'pg';
import { scramVerifier } from './scram-verifier';

/**
 * LOGIN mode for the request roles on Citus. Citus opens its worker connections as the current
 * role — after the request's `SET LOCAL ROLE cascade_tenant`, that is cascade_tenant — so on a
 * cluster both request roles need LOGIN with a password the workers accept, the coordinator must
 * hold that password for its worker connections (pg_dist_authinfo; nodeid 0 = every node), and
 * the workers must accept these logins from the coordinator only. On plain PostgreSQL the roles
 * stay NOLOGIN (the migrations create them so; rls-catalog checks it).
 *
 * The statements carry two kinds of secret text, both quoted as SQL literals by pg's
 * escapeLiteral — never concatenated raw: the SCRAM verifier in ALTER ROLE (never the password,
 * see scram-verifier.ts) and the libpq conninfo `password='…'` in pg_dist_authinfo. Role names
 * are the fixed identifiers below, never input.
 */
export const LOGIN_ROLES = ['cascade_tenant', 'cascade_platform'] as const;
export type LoginRole = (typeof LOGIN_ROLES)[number];

export interface RoleCredential {
  role: LoginRole;
  password: string;
  /** SCRAM salt, 16 random bytes. */
  salt: Buffer;
}

/** A libpq connection-string value: single-quoted, backslash and quote escaped. */
export function conninfoValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * One transaction on the coordinator, run as a superuser. ALTER ROLE is propagated by Citus to
 * every worker (role DDL propagation is on by default), so the workers get the same verifier; the
 * coordinator gets LOGIN too, which its pg_hba.conf refuses (see hbaLines). log_statement is off
 * for this transaction because the pg_dist_authinfo row holds the password itself.
 * `redact`: the same statements with the secrets replaced by a description, for --dry-run.
 */
export function loginRolesSql(credentials: RoleCredential[], opts: { redact?: boolean } = {}): string[] {
  const roles = credentials.map((c) => c.role);
  if (roles.length !== LOGIN_ROLES.length || !LOGIN_ROLES.every((r) => roles.includes(r))) {
    throw new Error(`credentials are needed for exactly ${LOGIN_ROLES.join(' and ')}`);
  }
  const verifier = (c: RoleCredential) =>
    opts.redact ? `'<SCRAM-SHA-256 verifier of a generated password>'` : escapeLiteral(scramVerifier(c.password, c.salt));
  const authinfo = (c: RoleCredential) =>
    opts.redact ? `'password=<the same generated password>'` : escapeLiteral(`password=${conninfoValue(c.password)}`);
  const ordered = LOGIN_ROLES.map((r) => credentials.find((c) => c.role === r) as RoleCredential);
  return [
    'BEGIN;',
    `SET LOCAL log_statement = 'none';`,
    'SET LOCAL log_min_duration_statement = -1;',
    ...ordered.map((c) => `ALTER ROLE ${c.role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD ${verifier(c)};`),
    `DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename IN (${LOGIN_ROLES.map((r) => `'${r}'`).join(', ')});`,
    `INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES ${ordered.map((c) => `(0, '${c.role}', ${authinfo(c)})`).join(', ')};`,
    'COMMIT;',
  ];
}

/** An IPv4 or IPv6 network with its prefix length, as pg_hba.conf takes it. */
export function checkedCidr(cidr: string): string {
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(cidr);
  const family = m ? isIP(m[1]) : 0;
  if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) {
    throw new Error(`--coordinator-cidr must be an address with a prefix length, such as 10.0.0.5/32 (got "${cidr}")`);
  }
  return cidr;
}

/** A database name as a pg_hba.conf field: bare when plain, else double-quoted. */
function hbaDatabase(name: string): string {
  if (/^[A-Za-z0-9_]+$/.test(name)) return name;
  if (/^[^"\s,#]+$/.test(name)) return `"${name}"`;
  throw new Error(`the database name ${JSON.stringify(name)} cannot be written into pg_hba.conf safely`);
}

/**
 * pg_hba.conf lines. Workers: the request roles from the coordinator only, over TLS with SCRAM,
 * then refused from anywhere else. Coordinator: refused outright — the app logs in as its
 * authenticator and only switches into them. pg_hba.conf is first-match: these lines go above any
 * broader rule.
 */
export function hbaLines(database: string, coordinatorCidr: string): { workers: string[]; coordinator: string[] } {
  const db = hbaDatabase(database);
  const roles = LOGIN_ROLES.join(',');
  const reject = [`host     all   ${roles}  0.0.0.0/0  reject`, `host     all   ${roles}  ::/0       reject`];
  return {
    workers: [`hostssl  ${db}  ${roles}  ${checkedCidr(coordinatorCidr)}  scram-sha-256`, ...reject],
    coordinator: reject,
  };
}
