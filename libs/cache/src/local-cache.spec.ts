import { LocalCache } from './local-cache';

describe('LocalCache', () => {
  it('expires entries and drops a whole tenant at once', async () => {
    const c = new LocalCache<number>(30);
    c.set('a:1', 'a', 1);
    c.set('a:2', 'a', 2);
    c.set('b:1', 'b', 3);
    c.dropTenant('a');
    expect([c.get('a:1'), c.get('a:2'), c.get('b:1')]).toEqual([undefined, undefined, 3]);
    await new Promise((r) => setTimeout(r, 40));
    expect(c.get('b:1')).toBeUndefined();
  });
});
