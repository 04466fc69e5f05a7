import { ExpiringMap } from './expiring-map';

const claims = (sub: string) => ({ sub, tenantId: null, role: 'platform_admin', iat: 1000, sep: 0 });

describe('ExpiringMap', () => {
  it('answers an entry until its expiry, and not from that millisecond on', () => {
    const memo = new ExpiringMap<ReturnType<typeof claims>>(20_000);
    memo.set('t1', claims('a'), 2_000_000);
    expect(memo.get('t1', 1_999_999)).toEqual(claims('a'));
    expect(memo.get('t1', 2_000_000)).toBeUndefined();
    expect(memo.size).toBe(0);
    expect(memo.get('t1', 1_000_000)).toBeUndefined(); // forgotten, not resurrected
  });

  it('knows only the exact key', () => {
    const memo = new ExpiringMap<ReturnType<typeof claims>>(20_000);
    memo.set('abc.def.ghi', claims('a'), 2_000_000);
    expect(memo.get('abc.def.ghj', 1_000_000)).toBeUndefined();
    expect(memo.get('abc.def.gh', 1_000_000)).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const memo = new ExpiringMap<ReturnType<typeof claims>>(2);
    memo.set('t1', claims('1'), 2_000_000);
    memo.set('t2', claims('2'), 2_000_000);
    memo.set('t3', claims('3'), 2_000_000);
    expect(memo.size).toBe(2);
    expect(memo.get('t1', 1_000_000)).toBeUndefined();
    expect(memo.get('t2', 1_000_000)?.sub).toBe('2');
    expect(memo.get('t3', 1_000_000)?.sub).toBe('3');
  });

  it('counts a refreshed key as the newest, and drops entries by value', () => {
    const memo = new ExpiringMap<string>(2);
    memo.set('a', 'tenant-1', 2_000_000);
    memo.set('b', 'tenant-2', 2_000_000);
    memo.set('a', 'tenant-1', 3_000_000);
    memo.set('c', 'tenant-1', 2_000_000);
    expect([memo.get('a', 1_000_000), memo.get('b', 1_000_000), memo.get('c', 1_000_000)]).toEqual(['tenant-1', undefined, 'tenant-1']);
    memo.deleteWhere((v) => v === 'tenant-1');
    expect(memo.size).toBe(0);
  });
});
