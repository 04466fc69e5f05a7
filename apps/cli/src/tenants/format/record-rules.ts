import {
  FileRecord,
  FORMAT_VERSION,
  ResourceRecord,
  TENANT_STATUSES,
  TenantManifest,
  USER_ROLES,
  UserRecord,
  WorkroomRecord,
} from './export-format';
import {
  domain,
  email,
  externalId,
  jsonObject,
  literal,
  oneOf,
  optional,
  passwordHash,
  Rules,
  sha256Hex,
  slug,
  text,
  timestamp,
  wholeNumber,
} from './field-rules';

const PLAN_NAME = text(1, 50);
const NAME = text(1, 200);
const CREATED_BY = optional(externalId, null);
const OPTIONAL_TIME = optional(timestamp, null);

export const MANIFEST_RULES: Rules<TenantManifest> = {
  format_version: literal(FORMAT_VERSION),
  external_id: externalId,
  name: NAME,
  slug,
  plan: optional(PLAN_NAME, 'standard'),
  status: optional(oneOf(TENANT_STATUSES), 'active'),
  custom_domain: optional(domain, null),
  settings: optional(jsonObject, {}),
};

export const USER_RULES: Rules<UserRecord> = {
  external_id: externalId,
  email,
  role: optional(oneOf(USER_ROLES), 'member'),
  password_hash: optional(passwordHash, null),
  created_at: OPTIONAL_TIME,
  updated_at: OPTIONAL_TIME,
};

export const WORKROOM_RULES: Rules<WorkroomRecord> = {
  external_id: externalId,
  name: NAME,
  created_by: CREATED_BY,
  created_at: OPTIONAL_TIME,
};

export const RESOURCE_RULES: Rules<ResourceRecord> = {
  external_id: externalId,
  name: NAME,
  data: optional(jsonObject, {}),
  created_by: CREATED_BY,
  created_at: OPTIONAL_TIME,
  updated_at: OPTIONAL_TIME,
};

/** As written in an export: size and sha256 may be left out, and are then measured from the bytes. */
export type FileEntry = Omit<FileRecord, 'size' | 'sha256'> & { size: number | null; sha256: string | null };

export const FILE_RULES: Rules<FileEntry> = {
  external_id: externalId,
  path: text(1, 1024),
  filename: text(1, 255),
  content_type: optional(text(3, 255), 'application/octet-stream'),
  size: optional(wholeNumber, null),
  sha256: optional(sha256Hex, null),
  created_by: CREATED_BY,
  created_at: OPTIONAL_TIME,
};
