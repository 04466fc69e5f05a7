import { DomainError } from '../errors/domain.error';
import { uuidv7 } from '../ids/uuid';
import { decodeCursor, encodeCursor, toPage } from './cursor';

describe('cursors', () => {
  it('round-trips an id and refuses anything else with 400', () => {
    const id = uuidv7();
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(decodeCursor(undefined)).toBeUndefined();
    for (const bad of ['bm9wZQ', Buffer.from("v1:' OR 1=1").toString('base64url'), '!!!']) {
      expect(() => decodeCursor(bad)).toThrow(DomainError);
    }
  });

  it('pages with a next cursor only when there is more', () => {
    const rows = [1, 2, 3].map(() => ({ id: uuidv7() }));
    expect(toPage(rows, 2, (r) => r.id)).toEqual({ items: [rows[0].id, rows[1].id], next_cursor: encodeCursor(rows[1].id) });
    expect(toPage(rows, 3, (r) => r.id).next_cursor).toBeNull();
  });
});
