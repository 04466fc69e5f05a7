import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { TENANT_ROLES, TokenService } from '@cascade/auth';
import { ConfigError, isUuid, loadConfig, uuidv7 } from '@cascade/core';
import { runMigrations } from '@cascade/database';
import { runTenantsCommand, TENANTS_USAGE } from './tenants/tenants.command';
import { revokePlatformTokens } from './token/revoke-platform-tokens';

const USAGE = `cascade <command>

  migrate                          apply pending migrations (MIGRATION_DATABASE_URL or DATABASE_URL)
  token --platform-admin [--ttl S] print a platform-admin JWT (bootstrap; --ttl at most PLATFORM_TOKEN_MAX_TTL)
  token revoke --platform-admin    end every platform-admin token issued before now (all replicas, within 1 s)
  token --tenant ID --role R --sub USER_ID [--ttl S]
                                   print a tenant token (operators, support)
${TENANTS_USAGE}`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Exit codes: 0 ok, 1 usage or validation, 2 runtime failure. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      if (!config.databaseUrl && !config.migrationDatabaseUrl) {
        process.stderr.write('migrate needs DATABASE_URL (or MIGRATION_DATABASE_URL)\n');
        return 1;
      }
      const { applied } = await runMigrations(config);
      process.stdout.write(applied.length ? `applied ${applied.length}: ${applied.join(', ')}\n` : 'up to date: nothing to apply\n');
      return 0;
    }
    case 'token': {
      if (args[0] === 'revoke') {
        if (!args.includes('--platform-admin')) {
          process.stderr.write(USAGE);
          return 1;
        }
        if (!config.databaseUrl) {
          process.stderr.write('token revoke needs DATABASE_URL (the app login role, which switches into cascade_platform)\n');
          return 1;
        }
        const at = await revokePlatformTokens(config.databaseUrl);
        process.stdout.write(`platform-admin tokens issued up to ${at.toISOString()} are revoked\n`);
        return 0;
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
      return runTenantsCommand(args, { config });
    default:
      process.stderr.write(USAGE);
      return command === undefined || command === '--help' ? 0 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `failed: ${(err as Error).message}\n`);
    process.exit(err instanceof ConfigError ? 1 : 2);
  },
);
