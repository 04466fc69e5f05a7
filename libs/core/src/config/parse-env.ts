import { AppConfig, NodeEnv, StorageDriverName } from './app-config';
import { ConfigError } from './config.error';

type Env = Record<string, string | undefined>;

function str(env: Env, key: string): string | undefined {
  const v = env[key];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, key: string, def: number, min: number, max: number): number {
  const raw = str(env, key);
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(key, `must be a whole number (got a non-numeric value)`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(key, `must be between ${min} and ${max}`);
  return n;
}

function bool(env: Env, key: string, def: boolean): boolean {
  const raw = str(env, key);
  if (raw === undefined) return def;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(key, 'must be true or false');
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], def: T): T {
  const raw = str(env, key);
  if (raw === undefined) return def;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(key, `must be one of ${allowed.join(', ')}`);
  return raw as T;
}

function url(env: Env, key: string, protocols: string[]): string | undefined {
  const raw = str(env, key);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(key, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(key, `must use ${protocols.join(' or ')}`);
  return raw;
}

function list(env: Env, key: string): string[] {
  const raw = str(env, key);
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/**
 * Validates the environment once at start. A bad variable throws a ConfigError naming it;
 * JWT_SECRET may be missing outside production (the launcher generates one and says so).
 */
export function parseEnv(env: Env): Omit<AppConfig, 'jwtSecret'> & { jwtSecret?: string } {
  const nodeEnv = oneOf<NodeEnv>(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const jwtSecret = str(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  if (production && jwtSecret === undefined) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (production && databaseUrl === undefined) throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production');
  const baseDomain = str(env, 'BASE_DOMAIN')?.toLowerCase();
  if (baseDomain !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(baseDomain)) {
    throw new ConfigError('BASE_DOMAIN', 'must be a DNS name such as example.com');
  }
  const storageDriver = oneOf<StorageDriverName>(env, 'STORAGE_DRIVER', ['local', 's3'], 'local');
  const s3Bucket = str(env, 'S3_BUCKET');
  if (storageDriver === 's3' && s3Bucket === undefined) throw new ConfigError('S3_BUCKET', 'is required when STORAGE_DRIVER=s3');
  const metricsToken = str(env, 'METRICS_TOKEN');
  return {
    nodeEnv,
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    migrationDatabaseUrl: url(env, 'MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwtExpiresInSeconds: int(env, 'JWT_EXPIRES_IN_SECONDS', 900, 60, 24 * 3600),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 300, 365 * 24 * 3600),
    platformTokenMaxTtlSeconds: int(env, 'PLATFORM_TOKEN_MAX_TTL', 24 * 3600, 60, 30 * 24 * 3600),
    baseDomain,
    trustTenantHeader: bool(env, 'TRUST_TENANT_HEADER', false),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 512 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 1000),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    dbConnectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 3000, 100, 120000),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', !production),
    storageDriver,
    storageRoot: str(env, 'STORAGE_ROOT') ?? './.cascade/storage',
    s3: {
      endpoint: url(env, 'S3_ENDPOINT', ['http:', 'https:']),
      bucket: s3Bucket,
      region: str(env, 'S3_REGION') ?? 'us-east-1',
      accessKeyId: str(env, 'S3_ACCESS_KEY_ID'),
      secretAccessKey: str(env, 'S3_SECRET_ACCESS_KEY'),
      forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', true),
    },
    metricsMaxTenantLabels: int(env, 'METRICS_MAX_TENANT_LABELS', 100, 0, 100000),
    metricsToken,
    metricsProcess: bool(env, 'METRICS_PROCESS', true),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000, 0, 600000),
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 65000, 1000, 600000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 600000, 1000, 86400000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'], production ? 'json' : 'pretty'),
    logRequests: bool(env, 'LOG_REQUESTS', true),
    corsOrigins: list(env, 'CORS_ORIGINS'),
    trustedProxies: list(env, 'TRUSTED_PROXIES'),
    plansFile: str(env, 'PLANS_FILE'),
    jsonBodyLimit: str(env, 'JSON_BODY_LIMIT') ?? '100kb',
  };
}
