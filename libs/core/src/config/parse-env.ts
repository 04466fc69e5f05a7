import {
  AppConfig,
  DbMode,
  EXTERNAL_AUTH_ALGORITHMS,
  ExternalAuthAlgorithm,
  ExternalAuthConfig,
  NodeEnv,
  StorageDriverName,
} from './app-config';
import { ConfigError, ConfigProblem } from './config.error';

type Env = Record<string, string | undefined>;

function str(env: Env, key: string): string | undefined {
  const v = env[key];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Reads variables and collects every problem instead of stopping at the first. */
class EnvReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  fail(variable: string, reason: string): undefined {
    this.problems.push({ variable, reason });
    return undefined;
  }

  str(key: string): string | undefined {
    return str(this.env, key);
  }

  int(key: string, def: number, min: number, max: number): number {
    const raw = this.str(key);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw)) return this.fail(key, 'must be a whole number (got a non-numeric value)') ?? def;
    const n = Number(raw);
    if (n < min || n > max) return this.fail(key, `must be between ${min} and ${max}`) ?? def;
    return n;
  }

  bool(key: string, def: boolean): boolean {
    const raw = this.str(key);
    if (raw === undefined) return def;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    return this.fail(key, 'must be true or false') ?? def;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], def: T): T {
    const raw = this.str(key);
    if (raw === undefined) return def;
    if (!(allowed as readonly string[]).includes(raw)) return this.fail(key, `must be one of ${allowed.join(', ')}`) ?? def;
    return raw as T;
  }

  url(key: string, protocols: string[]): string | undefined {
    const raw = this.str(key);
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return this.fail(key, 'is not a valid URL');
    }
    if (!protocols.includes(parsed.protocol)) return this.fail(key, `must use ${protocols.join(' or ')}`);
    return raw;
  }

  list(key: string): string[] {
    const raw = this.str(key);
    return raw === undefined
      ? []
      : raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  }
}

const ROLE_MAP_ENTRY = /^([^:,]+):(admin|member)$/;

/**
 * Pool defaults by DB_MODE; an explicit DB_POOL_SIZE / DB_CONNECT_TIMEOUT_MS always wins. On Citus
 * every statement takes one more hop (coordinator → worker; a by-id read ran at about a quarter
 * of plain PostgreSQL's rate on one box), so a transaction holds its connection longer and the
 * same request rate needs about twice the connections in flight, and requests queue longer for a
 * free one in a burst before the 503. Worker connections are bounded by the coordinator's
 * backends — PgBouncer's pool in front of it (docs/scaling.md) — not by this pool.
 */
export const DB_MODE_DEFAULTS: Record<DbMode, { dbPoolSize: number; dbConnectTimeoutMs: number }> = {
  postgres: { dbPoolSize: 10, dbConnectTimeoutMs: 3000 },
  citus: { dbPoolSize: 20, dbConnectTimeoutMs: 5000 },
};

/**
 * AUTH_JWKS_URL turns the external identity provider on; then AUTH_ISSUER and AUTH_AUDIENCE are
 * required (a provider's tokens for another application must not be accepted here).
 */
function readExternalAuth(r: EnvReader, production: boolean): ExternalAuthConfig | undefined {
  const jwksUrl = r.url('AUTH_JWKS_URL', production ? ['https:'] : ['https:', 'http:']);
  const issuer = r.str('AUTH_ISSUER');
  const audience = r.str('AUTH_AUDIENCE');
  const algorithms = r.list('AUTH_ALGORITHMS');
  const bad = algorithms.filter((a) => !(EXTERNAL_AUTH_ALGORITHMS as readonly string[]).includes(a));
  if (bad.length) r.fail('AUTH_ALGORITHMS', `must list only ${EXTERNAL_AUTH_ALGORITHMS.join(', ')} (got ${bad.join(', ')})`);
  // no prototype: a provider role named `constructor` must map to nothing but what it says
  const roleMap = Object.assign(Object.create(null) as Record<string, 'admin' | 'member'>, { admin: 'admin', member: 'member' } as const);
  for (const entry of r.list('AUTH_ROLE_MAP')) {
    const m = ROLE_MAP_ENTRY.exec(entry);
    if (!m) r.fail('AUTH_ROLE_MAP', `must be provider-role:admin|member pairs separated by commas (got "${entry}")`);
    else roleMap[m[1].trim()] = m[2] as 'admin' | 'member';
  }
  if (r.str('AUTH_JWKS_URL') === undefined) {
    for (const key of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_TENANT_CLAIM', 'AUTH_ROLE_CLAIM', 'AUTH_ROLE_MAP', 'AUTH_ALGORITHMS']) {
      if (r.str(key) !== undefined) r.fail(key, 'has no effect without AUTH_JWKS_URL');
    }
    return undefined;
  }
  if (issuer === undefined) r.fail('AUTH_ISSUER', 'is required when AUTH_JWKS_URL is set');
  if (audience === undefined) r.fail('AUTH_AUDIENCE', 'is required when AUTH_JWKS_URL is set');
  if (jwksUrl === undefined || issuer === undefined || audience === undefined) return undefined;
  return {
    jwksUrl,
    issuer,
    audience,
    tenantClaim: r.str('AUTH_TENANT_CLAIM') ?? 'tenant_id',
    roleClaim: r.str('AUTH_ROLE_CLAIM') ?? 'role',
    roleMap,
    algorithms: algorithms.length && !bad.length ? (algorithms as ExternalAuthAlgorithm[]) : ['RS256', 'ES256'],
  };
}

/**
 * Validates the environment once at start. Bad variables throw ONE ConfigError naming all of them;
 * JWT_SECRET may be missing outside production (the launcher generates one and says so).
 */
export function parseEnv(env: Env): Omit<AppConfig, 'jwtSecret'> & { jwtSecret?: string } {
  const r = new EnvReader(env);
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const jwtSecret = r.str('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) r.fail('JWT_SECRET', 'must be at least 32 characters');
  if (production && jwtSecret === undefined) r.fail('JWT_SECRET', 'is required when NODE_ENV=production');
  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  if (production && databaseUrl === undefined) r.fail('DATABASE_URL', 'is required when NODE_ENV=production');
  const baseDomain = r.str('BASE_DOMAIN')?.toLowerCase();
  if (baseDomain !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(baseDomain)) {
    r.fail('BASE_DOMAIN', 'must be a DNS name such as example.com');
  }
  const storageDriver = r.oneOf<StorageDriverName>('STORAGE_DRIVER', ['local', 's3'], 'local');
  const s3Bucket = r.str('S3_BUCKET');
  if (storageDriver === 's3' && s3Bucket === undefined) r.fail('S3_BUCKET', 'is required when STORAGE_DRIVER=s3');
  const metricsToken = r.str('METRICS_TOKEN');
  const host = r.str('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  const dbMode = r.oneOf<DbMode>('DB_MODE', ['postgres', 'citus'], 'postgres');
  if (dbMode === 'citus' && databaseUrl === undefined)
    r.fail('DB_MODE', 'citus needs DATABASE_URL (the embedded database is plain PostgreSQL)');
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) r.fail('HOST', 'must be an IP address or host name such as 127.0.0.1 or 0.0.0.0');
  const config: Omit<AppConfig, 'jwtSecret'> & { jwtSecret?: string } = {
    nodeEnv,
    host,
    port: r.int('PORT', 3000, 0, 65535),
    databaseUrl,
    migrationDatabaseUrl: r.url('MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseAdminUrl: r.url('DATABASE_ADMIN_URL', ['postgres:', 'postgresql:']),
    dbMode,
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwtExpiresInSeconds: r.int('JWT_EXPIRES_IN_SECONDS', 900, 60, 24 * 3600),
    refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 300, 365 * 24 * 3600),
    platformTokenMaxTtlSeconds: r.int('PLATFORM_TOKEN_MAX_TTL', 24 * 3600, 60, 30 * 24 * 3600),
    baseDomain,
    trustTenantHeader: r.bool('TRUST_TENANT_HEADER', false),
    maxUploadBytes: r.int('MAX_UPLOAD_BYTES', 512 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    dbPoolSize: r.int('DB_POOL_SIZE', DB_MODE_DEFAULTS[dbMode].dbPoolSize, 1, 1000),
    dbStatementTimeoutMs: r.int('DB_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    dbConnectTimeoutMs: r.int('DB_CONNECT_TIMEOUT_MS', DB_MODE_DEFAULTS[dbMode].dbConnectTimeoutMs, 100, 120000),
    migrateOnStart: r.bool('MIGRATE_ON_START', !production),
    storageDriver,
    storageRoot: r.str('STORAGE_ROOT') ?? './.cascade/storage',
    s3: {
      endpoint: r.url('S3_ENDPOINT', ['http:', 'https:']),
      bucket: s3Bucket,
      region: r.str('S3_REGION') ?? 'us-east-1',
      accessKeyId: r.str('S3_ACCESS_KEY_ID'),
      secretAccessKey: r.str('S3_SECRET_ACCESS_KEY'),
      forcePathStyle: r.bool('S3_FORCE_PATH_STYLE', true),
    },
    metricsMaxTenantLabels: r.int('METRICS_MAX_TENANT_LABELS', 100, 0, 100000),
    metricsToken,
    metricsProcess: r.bool('METRICS_PROCESS', true),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 10000, 0, 600000),
    keepAliveTimeoutMs: r.int('KEEP_ALIVE_TIMEOUT_MS', 65000, 1000, 600000),
    requestTimeoutMs: r.int('REQUEST_TIMEOUT_MS', 600000, 1000, 86400000),
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    logFormat: r.oneOf('LOG_FORMAT', ['json', 'pretty'], production ? 'json' : 'pretty'),
    logRequests: r.bool('LOG_REQUESTS', true),
    corsOrigins: r.list('CORS_ORIGINS'),
    trustedProxies: r.list('TRUSTED_PROXIES'),
    plansFile: r.str('PLANS_FILE'),
    jsonBodyLimit: r.str('JSON_BODY_LIMIT') ?? '100kb',
    externalAuth: readExternalAuth(r, production),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
