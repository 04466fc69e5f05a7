import { CollectionName } from './export-format';

/** Where a record was read: its file, its 1-based line for NDJSON, its 0-based index in the collection. */
export interface RecordLocation {
  file: string;
  collection?: CollectionName;
  index?: number;
  line?: number;
}

/** One reason an export cannot be imported. Validation collects all of them before any write. */
export interface Problem extends RecordLocation {
  field?: string;
  reason: string;
}

/** `users.ndjson:4 users[3].email: is not a valid email address` */
export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const record = p.collection !== undefined && p.index !== undefined ? `${p.collection}[${p.index}]` : '';
  const subject = [record, p.field].filter(Boolean).join('.');
  return `${where}${subject ? ` ${subject}` : ''}: ${p.reason}`;
}
