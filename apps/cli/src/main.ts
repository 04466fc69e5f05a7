import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { TENANT_ROLES, TokenService } from '@cascade/auth';
import { ConfigError, isUuid, loadConfig, uuidv7 } from '@cascade/core';
import { EmbeddedPostgresError, runMigrations } from '@cascade/database';
import { CITUS_USAGE, runCitusCommand } from './citus/citus.command';
import { DEMO_USAGE, runDemoCommand } from './demo/demo.command';
import { RESET_USAGE, runResetCommand } from './local/reset.command';
import { withDatabase } from './local/with-database';
import { runTenantsCommand, TENANTS_USAGE } from './tenants/tenants.command';
import { revokePlatformTokens } from './token/revoke-platform-tokens';

const USAGE = `usage: cascade <command>   (npm run cli -- <command>)

  migrate                          apply pending migrations (MIGRATION_DATABASE_URL or DATABASE_URL)
  token --platform-admin [--ttl S] print a platform-admin JWT (bootstrap; --ttl at most PLATFORM_TOKEN_MAX_TTL)
  token revoke --platform-admin    end every platform-admin token issued before now (all replicas, within 1 s)
  token --tenant ID --role R --sub USER_ID [--ttl S]
                                   print a tenant token (operators, support)
${TENANTS_USAGE}${CITUS_USAGE}${DEMO_USAGE}${RESET_USAGE}  help                             this text

Without DATABASE_URL, commands use the local embedded database: the one npm start runs, else
one started for the command (and stopped after it).
`;

const COMMANDS = ['migrate', 'token', 'tenants', 'citus', 'demo', 'reset', 'help'];
const HELP = ['help', '--help', '-h'];

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The closest command within two edits, for "did you mean". */
function closest(word: string): string | undefined {
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = COMMANDS.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best.d <= 2 ? best.c : undefined;
}

/** Exit codes: 0 ok, 1 usage or validation, 2 runtime failure. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || HELP.includes(command)) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    const guess = closest(command);
    process.stderr.write(`unknown command "${command}"${guess ? ` (did you mean "${guess}"?)` : ''}: see npm run cli -- help\n`);
    return 1;
  }
  if (args.some((a) => HELP.includes(a)) && command !== 'token') {
    const usage: Record<string, string> = { tenants: TENANTS_USAGE, citus: CITUS_USAGE, demo: DEMO_USAGE, reset: RESET_USAGE };
    process.stdout.write(usage[command] ? `usage:\n${usage[command]}` : USAGE);
    return 0;
  }
  const config = loadConfig();
  switch (command) {
    case 'migrate':
      return withDatabase({ ...config, migrateOnStart: false }, process.stderr, async (cfg) => {
        const { applied } = await runMigrations(cfg);
        process.stdout.write(applied.length ? `applied ${applied.length}: ${applied.join(', ')}\n` : 'up to date: nothing to apply\n');
        return 0;
      });
    case 'token': {
      if (args.some((a) => HELP.includes(a))) {
        process.stdout.write(USAGE);
        return 0;
      }
      if (args[0] === 'revoke') {
        if (!args.includes('--platform-admin')) {
          process.stderr.write(USAGE);
          return 1;
        }
        return withDatabase(config, process.stderr, async (cfg) => {
          const at = await revokePlatformTokens((cfg.databaseUrl ?? cfg.migrationDatabaseUrl) as string);
          process.stdout.write(`platform-admin tokens issued up to ${at.toISOString()} are revoked\n`);
          return 0;
        });
      }
      const platform = args.includes('--platform-admin');
      const ttl = Number(
        flag(args, '--ttl') ?? (platform ? Math.min(3600, config.platformTokenMaxTtlSeconds) : config.jwtExpiresInSeconds),
      );
      const maxTtl = platform ? config.platformTokenMaxTtlSeconds : config.jwtExpiresInSeconds;
      if (!Number.isInteger(ttl) || ttl < 60 || ttl > maxTtl) {
        const name = platform ? 'PLATFORM_TOKEN_MAX_TTL' : 'JWT_EXPIRES_IN_SECONDS';
        process.stderr.write(
          `--ttl must be a whole number of seconds from 60 to ${maxTtl} (${name}); the API refuses older tokens anyway\n`,
        );
        return 1;
      }
      const tokens = new TokenService(new JwtService({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }));
      if (platform) {
        process.stdout.write(`${tokens.issue({ sub: uuidv7(), tenantId: null, role: 'platform_admin' }, ttl).access_token}\n`);
        return 0;
      }
      const tenantId = flag(args, '--tenant');
      const role = flag(args, '--role') as (typeof TENANT_ROLES)[number] | undefined;
      const sub = flag(args, '--sub');
      if (!isUuid(tenantId) || !role || !TENANT_ROLES.includes(role) || !isUuid(sub)) {
        process.stderr.write(USAGE);
        return 1;
      }
      process.stdout.write(`${tokens.issue({ sub, tenantId, role }, ttl).access_token}\n`);
      return 0;
    }
    case 'tenants':
      return withDatabase(config, process.stderr, (cfg) => runTenantsCommand(args, { config: cfg }));
    case 'citus':
      return runCitusCommand(args, config, process);
    case 'demo':
      return withDatabase(config, process.stderr, (cfg) => runDemoCommand(args, cfg, process));
    case 'reset':
      return runResetCommand(args, config, process);
    default:
      process.stdout.write(USAGE);
      return 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const expected = err instanceof ConfigError || err instanceof EmbeddedPostgresError;
    process.stderr.write(expected ? `${(err as Error).message}\n` : `failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 1 : 2);
  },
);
