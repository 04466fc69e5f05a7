import { TenantSession, TestApp } from '../support/test-app';
import { describeWithRedis, twoReplicas } from '../support/replicas';

/** The per-tenant rate limit is one count across all replicas sharing a Redis. */
describeWithRedis('rate limit across two app instances sharing one Redis', () => {
  const { pair } = twoReplicas();
  let one: TestApp;
  let two: TestApp;
  beforeAll(() => ({ one, two } = pair));

  /** Fixed windows: start the burst early in a window so the test never straddles two. */
  async function freshWindow(tenant: TenantSession): Promise<void> {
    const probe = await one.http.get('/api/tenant').set(tenant.auth);
    const reset = Number(probe.headers['ratelimit-reset']);
    // waiting for a clock boundary, not for a condition: nothing to poll
    if (reset < 20) await new Promise((r) => setTimeout(r, (reset + 1) * 1000));
  }

  it('admits at most the limit over both instances; 429 carries Retry-After and RateLimit headers; other tenants unaffected', async () => {
    const a = await one.createTenant();
    const b = await one.createTenant();
    await one.http.put(`/api/tenants/${a.id}/quota`).set(one.platformAuth).send({ max_api_calls_per_minute: 20 }).expect(200);
    await freshWindow(a);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? two : one).http.get('/api/tenant').set(a.auth)));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    // the probe above used one call of this window (or of the previous one)
    expect(ok.length).toBeLessThanOrEqual(20);
    expect(ok.length).toBeGreaterThanOrEqual(19);
    expect(ok.length + limited.length).toBe(60);
    expect(limited[0].body).toMatchObject({ statusCode: 429, error: 'rate_limited' });
    expect(Number(limited[0].headers['retry-after'])).toBeGreaterThan(0);
    expect(limited[0].headers['ratelimit-limit']).toBe('20');
    expect(limited[0].headers['ratelimit-remaining']).toBe('0');
    expect((await two.http.get('/api/tenant').set(b.auth)).status).toBe(200);
    process.stdout.write(`[rate-limit] limit 20: ${ok.length} x 200 and ${limited.length} x 429 across two instances\n`);
  });
});
