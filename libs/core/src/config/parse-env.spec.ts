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

  it('names every bad variable at once, in one line', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: 'eighty', LOG_LEVEL: 'verbose', REDIS_URL: 'not a url', JWT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['JWT_SECRET', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    expect((error as Error).message).toMatch(/^Invalid configuration \(4 variables\): /);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).not.toContain('eighty');
  });

  it('listens on 127.0.0.1 outside production and on every interface in production, unless HOST says otherwise', () => {
    expect(parseEnv({}).host).toBe('127.0.0.1');
    expect(parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z', JWT_SECRET: 'x'.repeat(40) }).host).toBe('0.0.0.0');
    expect(parseEnv({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => parseEnv({ HOST: 'a b' })).toThrow(/HOST/);
  });

  it('DB_MODE: postgres by default; citus doubles the pool and lengthens the connection wait unless they are set', () => {
    const url = 'postgres://x@y/z';
    expect(parseEnv({ DATABASE_URL: url })).toMatchObject({ dbMode: 'postgres', dbPoolSize: 10, dbConnectTimeoutMs: 3000 });
    expect(parseEnv({ DATABASE_URL: url, DB_MODE: 'citus' })).toMatchObject({ dbMode: 'citus', dbPoolSize: 20, dbConnectTimeoutMs: 5000 });
    expect(parseEnv({ DATABASE_URL: url, DB_MODE: 'citus', DB_POOL_SIZE: '7', DB_CONNECT_TIMEOUT_MS: '900' })).toMatchObject({
      dbPoolSize: 7,
      dbConnectTimeoutMs: 900,
    });
    expect(() => parseEnv({ DATABASE_URL: url, DB_MODE: 'cockroach' })).toThrow(/DB_MODE must be one of postgres, citus/);
    // the embedded database is plain PostgreSQL: citus mode without a URL is a mistake, said at start
    expect(() => parseEnv({ DB_MODE: 'citus' })).toThrow(/DB_MODE citus needs DATABASE_URL/);
  });

  it('DATABASE_ADMIN_URL (cascade citus …) is validated like the other database URLs', () => {
    expect(parseEnv({ DATABASE_ADMIN_URL: 'postgres://admin@coordinator/cascade' }).databaseAdminUrl).toBe(
      'postgres://admin@coordinator/cascade',
    );
    expect(() => parseEnv({ DATABASE_ADMIN_URL: 'mysql://admin@x/y' })).toThrow(/DATABASE_ADMIN_URL must use postgres: or postgresql:/);
  });

  it('production logs JSON and does not migrate on start', () => {
    const cfg = parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z', JWT_SECRET: 'x'.repeat(40) });
    expect(cfg).toMatchObject({ logFormat: 'json', migrateOnStart: false });
  });
  it('reads the external identity provider and names every missing or bad AUTH_ variable at once', () => {
    const ok = parseEnv({
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'cascade',
      AUTH_ROLE_MAP: 'tenant-admin:admin,constructor:member',
    }).externalAuth;
    expect(ok).toMatchObject({ tenantClaim: 'tenant_id', roleClaim: 'role', algorithms: ['RS256', 'ES256'] });
    expect(ok?.roleMap['tenant-admin']).toBe('admin');
    expect(ok?.roleMap.constructor).toBe('member');
    expect(parseEnv({}).externalAuth).toBeUndefined();
    let error: unknown;
    try {
      parseEnv({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ALGORITHMS: 'RS256,HS256,none', AUTH_ROLE_MAP: 'x:owner' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'AUTH_ALGORITHMS',
      'AUTH_AUDIENCE',
      'AUTH_ISSUER',
      'AUTH_ROLE_MAP',
    ]);
    expect(() => parseEnv({ AUTH_ISSUER: 'https://idp.example/' })).toThrow(/AUTH_ISSUER/);
    expect(() =>
      parseEnv({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(32),
        DATABASE_URL: 'postgres://h/db',
        AUTH_JWKS_URL: 'http://idp/jwks',
        AUTH_ISSUER: 'i',
        AUTH_AUDIENCE: 'a',
      }),
    ).toThrow(/AUTH_JWKS_URL/);
  });
});
