import { TestApp } from '../support/test-app';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (enough of it for assertions). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!m) throw new Error(`unparseable metrics line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      return { name: m[1], labels, value: Number(m[4]) };
    });
}

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ env: { METRICS_MAX_TENANT_LABELS: '2', METRICS_TOKEN: 'scrape-secret-0123456789', METRICS_PROCESS: 'true' } });
  });
  afterAll(() => t.close());

  const scrape = async () => parse((await t.http.get('/metrics').set('Authorization', 'Bearer scrape-secret-0123456789').expect(200)).text);

  it('needs METRICS_TOKEN when one is configured', async () => {
    expect((await t.http.get('/metrics')).status).toBe(401);
    expect((await t.http.get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
  });

  it('exports the four tenant metrics with route templates, never raw ids, and caps tenant labels', async () => {
    const tenants = [];
    for (let i = 0; i < 4; i++) tenants.push(await t.createTenant());
    const ids: string[] = [];
    for (const tenant of tenants) {
      const { body } = await t.http.post('/api/resources').set(tenant.auth).send({ name: 'm' });
      ids.push(body.id);
      await t.http.get(`/api/resources/${body.id}`).set(tenant.auth).expect(200);
      await t.http.get('/api/quota').set(tenant.auth).expect(200);
    }
    const samples = await scrape();
    const requests = samples.filter((s) => s.name === 'cascade_api_requests_total');
    expect(requests.length).toBeGreaterThan(0);
    for (const s of requests) expect(Object.keys(s.labels).sort()).toEqual(['endpoint', 'method', 'status', 'tenant_id']);
    expect(requests.some((s) => s.labels.endpoint === '/api/resources/:id' && s.labels.method === 'GET' && s.labels.status === '200')).toBe(
      true,
    );
    const histogram = samples.filter((s) => s.name === 'cascade_response_time_seconds_bucket');
    expect(histogram.some((s) => s.labels.le === '0.05')).toBe(true);
    expect(histogram.some((s) => s.labels.le === '0.2')).toBe(true);
    expect(Object.keys(histogram[0].labels).sort()).toEqual(['endpoint', 'le', 'tenant_id']);
    const active = samples.filter((s) => s.name === 'cascade_active_users');
    expect(active.length).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'cascade_storage_usage_bytes')).toBe(true);
    expect(samples.some((s) => s.name === 'cascade_db_pool_connections' && s.labels.state === 'total')).toBe(true);
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);

    // raw ids never appear as label values (tenant ids are the only ids allowed, and only as tenant_id)
    const allLabels = samples.flatMap((s) => Object.entries(s.labels));
    for (const id of ids) expect(allLabels.filter(([, v]) => v.includes(id))).toEqual([]);
    expect(allLabels.filter(([k, v]) => k !== 'tenant_id' && /[0-9a-f]{8}-[0-9a-f]{4}-/.test(v))).toEqual([]);

    // the cap: 2 tenants keep their id, the rest count as "other"
    const tenantLabels = new Set(requests.map((s) => s.labels.tenant_id).filter((v) => v !== 'none'));
    expect(tenantLabels.has('other')).toBe(true);
    expect([...tenantLabels].filter((v) => v !== 'other').length).toBeLessThanOrEqual(2);
  });
});
