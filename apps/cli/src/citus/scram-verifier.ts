import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

/** PostgreSQL's default for scram_iterations. */
const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, the format of
 * pg_authid.rolpassword), computed here so `ALTER ROLE … PASSWORD` carries the verifier and never
 * the password: not in the server log, not in the DDL Citus propagates to the workers, not in
 * pg_stat_statements (psql's \password does the same). Printable ASCII only, which SASLprep
 * leaves unchanged, so the server derives the same keys from the password at login
 * (test/cli/citus-roles.e2e-spec.ts checks the result against the server's own verifier).
 */
export function scramVerifier(password: string, salt: Buffer, iterations = ITERATIONS): string {
  if (!/^[\x21-\x7e]+$/.test(password)) throw new Error('the password must be printable ASCII without spaces');
  if (salt.length < 16) throw new Error('the salt must have at least 16 bytes');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
