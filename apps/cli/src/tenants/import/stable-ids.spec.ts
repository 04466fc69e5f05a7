import { stableId } from './stable-ids';

describe('stableId', () => {
  it('keeps a UUID external_id as the id, lowercased', () => {
    expect(stableId('users', '0192F3A1-0000-7000-8000-00000000000A')).toBe('0192f3a1-0000-7000-8000-00000000000a');
  });

  it('derives the same version-5 UUID for the same collection and key, and a different one otherwise', () => {
    const id = stableId('users', 'u-1001');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableId('users', 'u-1001')).toBe(id);
    expect(stableId('resources', 'u-1001')).not.toBe(id);
    expect(stableId('users', 'u-1002')).not.toBe(id);
  });
});
