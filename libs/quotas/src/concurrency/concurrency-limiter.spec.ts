import { ConcurrencyLimiter } from './concurrency-limiter';

describe('ConcurrencyLimiter', () => {
  it('admits up to the cap per tenant and never drifts, even on double release', () => {
    const l = new ConcurrencyLimiter();
    const releases = [l.tryAcquire('a', 2), l.tryAcquire('a', 2)];
    expect(l.tryAcquire('a', 2)).toBeNull();
    expect(l.tryAcquire('b', 2)).not.toBeNull();
    releases[0]!();
    releases[0]!();
    expect(l.current('a')).toBe(1);
    releases[1]!();
    expect(l.current('a')).toBe(0);
  });
});
