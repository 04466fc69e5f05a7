import { newRefreshToken, parseRefreshToken } from './refresh-token';

describe('refresh token format', () => {
  const tenant = '0193b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b';

  it('round-trips the tenant and the hash, and never contains the hash', () => {
    const { token, hash } = newRefreshToken(tenant);
    const parsed = parseRefreshToken(token);
    expect(parsed?.tenantId).toBe(tenant);
    expect(parsed?.hash.equals(hash)).toBe(true);
    expect(token).not.toContain(hash.toString('base64url'));
    expect(newRefreshToken(tenant).token).not.toBe(token);
  });

  it.each([undefined, 42, '', 'crt_abc', `crt_${'g'.repeat(32)}_${'a'.repeat(43)}`, `crt_${'a'.repeat(32)}_${'a'.repeat(42)}`])(
    'refuses %p',
    (bad) => expect(parseRefreshToken(bad)).toBeNull(),
  );
});
