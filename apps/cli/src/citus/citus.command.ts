import { Client } from 'pg';
import { AppConfig } from '@cascade/core';
import { withDatabase } from '../local/with-database';
import { parseArgs } from '../tenants/command-args';
import { CitusIo } from './citus-io';
import { runDistribute } from './distribute.command';
import { checkedCidr } from './login-roles';
import { runRoles } from './roles.command';

export const CITUS_USAGE = `  citus distribute [--dry-run]     after migrate, on a Citus coordinator: reference tables, then every tenant
                                   table distributed by tenant_id (idempotent, resumable; docs/scaling.md)
  citus roles --coordinator-cidr CIDR [--dry-run]
                                   LOGIN for the request roles on the workers, their passwords in
                                   pg_dist_authinfo, and the pg_hba.conf lines to install
                                   (both as a superuser: DATABASE_ADMIN_URL, else MIGRATION_DATABASE_URL, else DATABASE_URL)
`;

/** The URL shown in output: host, port and database, never the credentials. */
function describeTarget(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * `cascade citus distribute|roles`. The database is the superuser's: DATABASE_ADMIN_URL, else
 * the URL `migrate` uses (MIGRATION_DATABASE_URL, else DATABASE_URL) — an environment variable,
 * never a flag, so the password is not in the process list — else the local embedded database
 * (plain PostgreSQL: only --dry-run is useful there).
 */
export async function runCitusCommand(args: string[], config: AppConfig, io: CitusIo): Promise<number> {
  const [sub, ...rest] = args;
  const parsed = parseArgs(rest, { flags: ['--dry-run'], values: sub === 'roles' ? ['--coordinator-cidr'] : [] });
  if (sub === 'roles') {
    const cidr = parsed.values.get('--coordinator-cidr');
    if (cidr === undefined) parsed.errors.push('--coordinator-cidr is required (the address the workers accept the request roles from)');
    else {
      try {
        checkedCidr(cidr);
      } catch (err) {
        parsed.errors.push((err as Error).message);
      }
    }
  }
  if ((sub !== 'distribute' && sub !== 'roles') || parsed.positional.length > 0 || parsed.errors.length > 0) {
    io.stderr.write(`${parsed.errors.map((e) => `${e}\n`).join('')}usage:\n${CITUS_USAGE}`);
    return 1;
  }
  const dryRun = parsed.flags.has('--dry-run');
  const run = async (url: string) => {
    const client = new Client({ connectionString: url, application_name: 'cascade-cli-citus' });
    await client.connect();
    try {
      const target = describeTarget(url);
      return sub === 'distribute'
        ? await runDistribute(client, { dryRun, target }, io)
        : await runRoles(client, { dryRun, target, coordinatorCidr: parsed.values.get('--coordinator-cidr') as string }, io);
    } finally {
      await client.end();
    }
  };
  if (config.databaseAdminUrl) return run(config.databaseAdminUrl);
  return withDatabase(config, io.stderr, (cfg) => run((cfg.migrationDatabaseUrl ?? cfg.databaseUrl) as string));
}
