export type NodeEnv = 'development' | 'production' | 'test';
export type StorageDriverName = 'local' | 's3';
/** `citus`: the database is a Citus coordinator (docs/scaling.md); `postgres`: one PostgreSQL server. */
export type DbMode = 'postgres' | 'citus';

/** The whole validated configuration, read once at start. Secrets are listed in SECRET_KEYS. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  /** Interface to listen on: 127.0.0.1 outside production (a printed admin token stays local), 0.0.0.0 in production. */
  host: string;
  port: number;
  /** Unset means: start an embedded PostgreSQL (development only). */
  databaseUrl?: string;
  /** The schema owner used by migrations; falls back to databaseUrl. */
  migrationDatabaseUrl?: string;
  /** A superuser, for `cascade citus …` only (DATABASE_ADMIN_URL); falls back to migrationDatabaseUrl, then databaseUrl. */
  databaseAdminUrl?: string;
  /** DB_MODE: what the database is; in `citus` mode the pool defaults and readiness change. */
  dbMode: DbMode;
  redisUrl?: string;
  jwtSecret: string;
  /** Access-token lifetime (JWT_EXPIRES_IN_SECONDS, default 900). */
  jwtExpiresInSeconds: number;
  /** Refresh-token lifetime (REFRESH_TOKEN_TTL_SECONDS, default 30 days). */
  refreshTokenTtlSeconds: number;
  /** Longest a platform-admin token lives, whatever its exp says (PLATFORM_TOKEN_MAX_TTL, s). */
  platformTokenMaxTtlSeconds: number;
  baseDomain?: string;
  trustTenantHeader: boolean;
  maxUploadBytes: number;
  dbPoolSize: number;
  dbStatementTimeoutMs: number;
  dbConnectTimeoutMs: number;
  migrateOnStart: boolean;
  storageDriver: StorageDriverName;
  storageRoot: string;
  s3: { endpoint?: string; bucket?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
  metricsMaxTenantLabels: number;
  metricsToken?: string;
  /** Node's default process_* / nodejs_* metrics (METRICS_PROCESS, default true). */
  metricsProcess: boolean;
  shutdownGraceMs: number;
  /** Idle keep-alive connections are kept this long (above a load balancer's idle timeout). */
  keepAliveTimeoutMs: number;
  /** Longest a whole request may take (large uploads on slow links). */
  requestTimeoutMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'pretty';
  /** One access-log line per request (LOG_REQUESTS, default true). */
  logRequests: boolean;
  corsOrigins: string[];
  trustedProxies: string[];
  plansFile?: string;
  jsonBodyLimit: string;
  /** Tokens from an external identity provider (AUTH_JWKS_URL & co.); absent when not configured. */
  externalAuth?: ExternalAuthConfig;
}

export const EXTERNAL_AUTH_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'] as const;
export type ExternalAuthAlgorithm = (typeof EXTERNAL_AUTH_ALGORITHMS)[number];

export interface ExternalAuthConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The claim naming the tenant (its id or slug); taken literally, so `https://x/tenant` works. */
  tenantClaim: string;
  /** The claim holding the provider's role(s): a string or an array of strings. */
  roleClaim: string;
  /** Provider role → CASCADE role, for the user's first sight; unmapped roles are members. */
  roleMap: Record<string, 'admin' | 'member'>;
  algorithms: ExternalAuthAlgorithm[];
}

/** Never printed, never logged. */
export const SECRET_KEYS = [
  'DATABASE_URL',
  'MIGRATION_DATABASE_URL',
  'DATABASE_ADMIN_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'METRICS_TOKEN',
  'S3_SECRET_ACCESS_KEY',
] as const;

export const APP_CONFIG = Symbol('APP_CONFIG');
