import { validationFailed } from '../errors/domain.error';
import { isUuid } from '../ids/uuid';

/** Opaque to clients: base64url of the last id returned. Lists are ordered by (time-ordered) id. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('v1:') ? text.slice(3) : '';
  if (!isUuid(id)) throw validationFailed('cursor is not valid');
  return id;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Callers fetch limit + 1 rows; the extra one only tells whether another page exists. */
export function toPage<T, R extends { id: string }>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return { items: pageRows.map(map), next_cursor: more ? encodeCursor(pageRows[pageRows.length - 1].id) : null };
}
