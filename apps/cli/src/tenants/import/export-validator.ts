import { createHash } from 'node:crypto';
import { constants, createReadStream, lstatSync, openSync, ReadStream } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RESERVED_SLUGS } from '@cascade/tenancy';
import { AnyRecord, COLLECTIONS, CollectionName, FileRecord, RecordTypes, TenantManifest } from '../format/export-format';
import { ExportReader, RawRecord } from '../format/export-reader';
import { externalId, parseFields, Rules } from '../format/field-rules';
import { Problem, RecordLocation } from '../format/problem';
import { FILE_RULES, FileEntry, MANIFEST_RULES, RESOURCE_RULES, USER_RULES, WORKROOM_RULES } from '../format/record-rules';

const RULES: { [C in CollectionName]: Rules<C extends 'files' ? FileEntry : RecordTypes[C]> } = {
  users: USER_RULES,
  workrooms: WORKROOM_RULES,
  resources: RESOURCE_RULES,
  files: FILE_RULES,
};

export interface FileFacts {
  size: number;
  sha256: string;
}

/** What the offline pass learned: enough to plan and to check quotas, without keeping the records. */
export interface ValidatedExport {
  reader: ExportReader;
  manifest: TenantManifest | null;
  counts: Record<CollectionName, number>;
  /** external_id → where it was read, per collection. */
  keys: Record<CollectionName, Map<string, RecordLocation>>;
  /** email → external_id of the user that has it. */
  emails: Map<string, string>;
  /** external_ids of users without a password hash (they will have to reset it). */
  withoutPassword: Set<string>;
  /** Measured size and digest of every file record, by external_id. */
  files: Map<string, FileFacts>;
  problems: Problem[];
}

export interface ValidationContext {
  planNames: string[];
  baseDomain?: string;
}

const emptyPerCollection = <T>(make: () => T) => Object.fromEntries(COLLECTIONS.map((c) => [c, make()])) as Record<CollectionName, T>;

/**
 * The offline pass over an export: every field of every record, duplicate keys and emails,
 * references to users, and every file's bytes. It never stops at the first problem: an operator
 * gets the whole list (file, record, field, reason) in one go, before anything is written.
 */
export async function validateExport(path: string, ctx: ValidationContext): Promise<ValidatedExport> {
  const reader = ExportReader.open(path);
  const problems = [...reader.problems];
  const result: ValidatedExport = {
    reader,
    manifest: null,
    counts: emptyPerCollection(() => 0),
    keys: emptyPerCollection(() => new Map<string, RecordLocation>()),
    emails: new Map(),
    withoutPassword: new Set(),
    files: new Map(),
    problems,
  };
  if (reader.manifest) result.manifest = checkManifest(reader, ctx, problems);
  for (const collection of COLLECTIONS) {
    for await (const raw of reader.records(collection)) {
      result.counts[collection] += 1;
      const record = parseRecord(raw, problems);
      if (record) await checkRecord(result, raw, record, problems);
      else registerInvalid(result, raw, problems);
    }
  }
  return result;
}

const locationOf = (raw: RawRecord): RecordLocation => ({ file: raw.file, line: raw.line, collection: raw.collection, index: raw.index });

/** Parses and normalises one raw record; pushes its problems and returns null when it has any. */
export function parseRecord(raw: RawRecord, problems: Problem[]): AnyRecord | FileEntry | null {
  const at = locationOf(raw);
  if (raw.jsonError !== undefined) {
    problems.push({ ...at, reason: `not valid JSON (${raw.jsonError})` });
    return null;
  }
  return parseFields<AnyRecord | FileEntry>(raw.value, RULES[raw.collection] as Rules<AnyRecord | FileEntry>, at, problems);
}

/** A file record's bytes, as measured by the validation pass. */
export function completeFile(entry: FileEntry, facts: FileFacts): FileRecord {
  return { ...entry, size: facts.size, sha256: facts.sha256 };
}

/** The path of a file record's bytes, or why it cannot be used: it must stay inside the export. */
export function resolveExportPath(dir: string, path: string): string | { reason: string } {
  if (isAbsolute(path) || path.includes('\\')) return { reason: 'must be a relative path with forward slashes' };
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
    return { reason: 'must stay inside the export directory' };
  // No symlink anywhere between the export folder and the file: a link could point outside the
  // export (another customer's data, /etc) and make it downloadable by the tenant.
  let at = dir;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) return { reason: 'is a symbolic link (or lies under one); links are never followed' };
    } catch {
      return full; // missing: reported as "cannot be read" by the caller
    }
  }
  return full;
}

/** Opens an export file without following a link swapped in after validation (O_NOFOLLOW). */
export function openExportFile(full: string): ReadStream {
  return createReadStream('', { fd: openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW) });
}

function checkManifest(reader: ExportReader, ctx: ValidationContext, problems: Problem[]): TenantManifest | null {
  const at = { file: reader.manifestFile };
  const manifest = parseFields<TenantManifest>(reader.manifest, MANIFEST_RULES, at, problems);
  if (!manifest) return null;
  let valid = true;
  if (RESERVED_SLUGS.includes(manifest.slug)) {
    problems.push({ ...at, field: 'slug', reason: `"${manifest.slug}" is reserved for the platform` });
    valid = false;
  }
  if (!ctx.planNames.includes(manifest.plan)) {
    problems.push({ ...at, field: 'plan', reason: `unknown plan "${manifest.plan}" (known: ${ctx.planNames.join(', ')})` });
    valid = false;
  }
  const base = ctx.baseDomain;
  if (manifest.custom_domain && base && (manifest.custom_domain === base || manifest.custom_domain.endsWith(`.${base}`))) {
    problems.push({
      ...at,
      field: 'custom_domain',
      reason: `must not be under BASE_DOMAIN (${base}); the slug already gives ${manifest.slug}.${base}`,
    });
    valid = false;
  }
  return valid ? manifest : null;
}

/** Claims the record's external_id in its collection; a second claim is a problem. */
function registerKey(result: ValidatedExport, raw: RawRecord, key: string, problems: Problem[]): void {
  const keys = result.keys[raw.collection];
  const first = keys.get(key);
  if (!first) keys.set(key, locationOf(raw));
  else
    problems.push({
      ...locationOf(raw),
      field: 'external_id',
      reason: `duplicates ${raw.collection}[${first.index}] (${first.file}${first.line ? `:${first.line}` : ''})`,
    });
}

/**
 * A record with problems still claims its external_id when that one is valid, so its duplicates
 * are found and references to it do not add problems of their own.
 */
function registerInvalid(result: ValidatedExport, raw: RawRecord, problems: Problem[]): void {
  const key = externalId((raw.value as Record<string, unknown> | null)?.external_id);
  if ('value' in key) registerKey(result, raw, key.value, problems);
}

async function checkRecord(result: ValidatedExport, raw: RawRecord, record: AnyRecord | FileEntry, problems: Problem[]): Promise<void> {
  const at = locationOf(raw);
  registerKey(result, raw, record.external_id, problems);

  if ('email' in record) {
    const owner = result.emails.get(record.email);
    if (owner !== undefined && owner !== record.external_id)
      problems.push({ ...at, field: 'email', reason: `is also the email of user ${owner}` });
    else result.emails.set(record.email, record.external_id);
    if (record.password_hash === null) result.withoutPassword.add(record.external_id);
  }
  if ('created_by' in record && record.created_by !== null && !result.keys.users.has(record.created_by)) {
    problems.push({ ...at, field: 'created_by', reason: `names no user of this export (${record.created_by})` });
  }
  if (raw.collection === 'files') await checkFileBytes(result, record as FileEntry, at, problems);
}

async function checkFileBytes(result: ValidatedExport, entry: FileEntry, at: RecordLocation, problems: Problem[]): Promise<void> {
  const full = resolveExportPath(result.reader.dir, entry.path);
  if (typeof full !== 'string') {
    problems.push({ ...at, field: 'path', reason: full.reason });
    return;
  }
  let size: number;
  try {
    const stat = lstatSync(full);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
  } catch (err) {
    problems.push({ ...at, field: 'path', reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
    return;
  }
  const sha256 = await digest(full);
  if (entry.size !== null && entry.size !== size)
    problems.push({ ...at, field: 'size', reason: `says ${entry.size} bytes, the file has ${size}` });
  if (entry.sha256 !== null && entry.sha256 !== sha256)
    problems.push({ ...at, field: 'sha256', reason: 'does not match the file content' });
  result.files.set(entry.external_id, { size, sha256 });
}

function digest(path: string): Promise<string> {
  return new Promise((resolveDigest, reject) => {
    const hash = createHash('sha256');
    openExportFile(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolveDigest(hash.digest('hex')));
  });
}
