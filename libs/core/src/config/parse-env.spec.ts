import { ConfigError } from './config.error';
import { parseEnv } from './parse-env';

describe('parseEnv', () => {
  it('gives working defaults for development', () => {
    const cfg = parseEnv({});
    expect(cfg).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      dbPoolSize: 10,
      trustTenantHeader: false,
      corsOrigins: [],
      logFormat: 'pretty',
    });
    expect(cfg.databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ TRUST_TENANT_HEADER: 'maybe' }, 'TRUST_TENANT_HEADER'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'DATABASE_URL'],
    [{ BASE_DOMAIN: 'Bad_Domain!' }, 'BASE_DOMAIN'],
    [{ STORAGE_DRIVER: 's3' }, 'S3_BUCKET'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
  ])('refuses %j naming %s, never echoing the value', (env, variable) => {
    let error: unknown;
    try {
      parseEnv(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    const value = (env as Record<string, string>)[variable];
    if (value) expect((error as Error).message).not.toContain(value);
  });

  it('production logs JSON and does not migrate on start', () => {
    const cfg = parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z', JWT_SECRET: 'x'.repeat(40) });
    expect(cfg).toMatchObject({ logFormat: 'json', migrateOnStart: false });
  });
});
