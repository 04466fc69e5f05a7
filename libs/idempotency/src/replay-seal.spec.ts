import { ReplaySeal } from './replay-seal';

describe('ReplaySeal', () => {
  const seal = new ReplaySeal('a-secret-of-at-least-32-characters-long');
  const answer = '{"id":"k1","secret":"cas_0123_abcd_supersecret"}';

  it('keeps no plaintext, and opens only under the same secret and the same row', () => {
    const sealed = seal.seal(answer, 'tenant:t1:key-1');
    expect(sealed).not.toContain('supersecret');
    expect(seal.seal(answer, 'tenant:t1:key-1')).not.toBe(sealed); // a fresh IV each time
    expect(seal.open(sealed, 'tenant:t1:key-1')).toBe(answer);
    expect(seal.open(sealed, 'tenant:t2:key-1')).toBeNull();
    expect(new ReplaySeal('another-secret-of-at-least-32-characters').open(sealed, 'tenant:t1:key-1')).toBeNull();
    expect(seal.open(`${sealed.slice(0, -2)}AA`, 'tenant:t1:key-1')).toBeNull();
    expect(seal.open('not sealed', 'tenant:t1:key-1')).toBeNull();
  });
});
