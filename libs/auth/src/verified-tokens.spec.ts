import { VerifiedTokens } from './verified-tokens';
import { AccessClaims } from './sessions/principal-registry';

const claims = (sub: string): AccessClaims => ({ sub, tenantId: null, role: 'platform_admin', iat: 1000, sep: 0 });

describe('VerifiedTokens', () => {
  it('answers a remembered token until its exp, and not from that second on', () => {
    const memo = new VerifiedTokens();
    memo.remember('t1', claims('a'), 2000);
    expect(memo.find('t1', 1_999_999)).toEqual(claims('a'));
    expect(memo.find('t1', 2_000_000)).toBeUndefined();
    expect(memo.size).toBe(0);
    expect(memo.find('t1', 1_000_000)).toBeUndefined(); // forgotten, not resurrected
  });

  it('knows only the exact token string', () => {
    const memo = new VerifiedTokens();
    memo.remember('abc.def.ghi', claims('a'), 2000);
    expect(memo.find('abc.def.ghj', 1_000_000)).toBeUndefined();
    expect(memo.find('abc.def.gh', 1_000_000)).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const memo = new VerifiedTokens(2);
    memo.remember('t1', claims('1'), 2000);
    memo.remember('t2', claims('2'), 2000);
    memo.remember('t3', claims('3'), 2000);
    expect(memo.size).toBe(2);
    expect(memo.find('t1', 1_000_000)).toBeUndefined();
    expect(memo.find('t2', 1_000_000)?.sub).toBe('2');
    expect(memo.find('t3', 1_000_000)?.sub).toBe('3');
  });
});
