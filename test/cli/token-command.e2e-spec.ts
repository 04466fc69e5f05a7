import { spawnSync } from 'node:child_process';
import { buildOnce, CLI_MAIN, REPO } from '../docs/sandbox';

const SECRET = 'a-test-secret-of-at-least-32-characters!';

/** `cascade token`: the CLI mints nothing the API would refuse as too old (PLATFORM_TOKEN_MAX_TTL). */
describe('cascade token --platform-admin', () => {
  beforeAll(() => buildOnce(), 180_000);

  const token = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI_MAIN, 'token', ...args], {
      cwd: REPO,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', JWT_SECRET: SECRET, DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', ...env },
    });
  const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.trim().split('.')[1], 'base64url').toString());

  it('refuses a --ttl above PLATFORM_TOKEN_MAX_TTL (default 24 h), naming the limit', () => {
    const century = token(['--platform-admin', '--ttl', String(100 * 365 * 24 * 3600)]);
    expect(century.status).toBe(1);
    expect(century.stdout).toBe('');
    expect(century.stderr).toMatch(/--ttl must be .* to 86400 \(PLATFORM_TOKEN_MAX_TTL\)/);
    expect(token(['--platform-admin', '--ttl', '7200'], { PLATFORM_TOKEN_MAX_TTL: '3600' }).status).toBe(1);
  });

  it('mints within the cap, with jti and iat, and an hour by default', () => {
    const day = token(['--platform-admin', '--ttl', '86400']);
    expect(day.status).toBe(0);
    const c = claims(day.stdout);
    expect(c).toMatchObject({ role: 'platform_admin', jti: expect.any(String) });
    expect(c.exp - c.iat).toBe(86400);
    const byDefault = claims(token(['--platform-admin']).stdout);
    expect(byDefault.exp - byDefault.iat).toBe(3600);
  });
});
