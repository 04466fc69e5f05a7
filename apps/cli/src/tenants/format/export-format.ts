/**
 * The tenant export format, version 1 (docs/onboarding.md is its reference).
 *
 * A directory with `tenant.json` and one entry per collection, either inline in tenant.json as a
 * JSON array or as `<collection>.ndjson` beside it (one JSON object per line). Every record has a
 * stable `external_id`, the key that makes imports idempotent; references between records
 * (`created_by`) name a user's external_id. File records name their bytes by a path relative to
 * the export directory.
 */
export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'tenant.json';

/** Import order: users before what references them; files last (their bytes are the slow part). */
export const COLLECTIONS = ['users', 'workrooms', 'resources', 'files'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

export const ndjsonFile = (collection: CollectionName) => `${collection}.ndjson`;

export const USER_ROLES = ['owner', 'admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const TENANT_STATUSES = ['active', 'suspended'] as const;

export interface TenantManifest {
  format_version: typeof FORMAT_VERSION;
  external_id: string;
  name: string;
  slug: string;
  plan: string;
  status: (typeof TENANT_STATUSES)[number];
  custom_domain: string | null;
  settings: Record<string, unknown>;
}

export interface UserRecord {
  external_id: string;
  email: string;
  role: UserRole;
  /** `scrypt$N$r$p$salt$hash`; null: the user gets an unusable password and must reset it. */
  password_hash: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface WorkroomRecord {
  external_id: string;
  name: string;
  created_by: string | null;
  created_at: string | null;
}

export interface ResourceRecord {
  external_id: string;
  name: string;
  data: Record<string, unknown>;
  created_by: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface FileRecord {
  external_id: string;
  /** Relative to the export directory; never absolute, never leaving it. */
  path: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_by: string | null;
  created_at: string | null;
}

export interface RecordTypes {
  users: UserRecord;
  workrooms: WorkroomRecord;
  resources: ResourceRecord;
  files: FileRecord;
}

export type AnyRecord = RecordTypes[CollectionName];
