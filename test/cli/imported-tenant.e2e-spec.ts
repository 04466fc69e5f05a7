import { AppConfig } from '@cascade/core';
import { TenantSession, TestApp } from '../support/test-app';
import { BASE_DOMAIN, cliConfig, copyExport, readManifest, removeAll, runCli, SAMPLE_EXPORT, tempDir } from './cli-harness';

/** An imported tenant, seen through the real API: its users log in right away, and nobody else sees it. */
describe('an imported tenant in the API', () => {
  let t: TestApp;
  let tmp: string;
  let config: AppConfig;
  let slug: string;
  let tenantId: string;

  const login = (hint: { header?: string; host?: string }, email: string, password: string) => {
    const req = t.http.post('/api/auth/login');
    if (hint.header) req.set('X-Tenant-ID', hint.header);
    if (hint.host) req.set('Host', hint.host);
    return req.send({ email, password });
  };

  beforeAll(async () => {
    t = await TestApp.start({ env: { BASE_DOMAIN } });
    tmp = tempDir();
    config = cliConfig(t.db, t.config.storageRoot);
    const dir = copyExport(SAMPLE_EXPORT, tmp);
    slug = readManifest(dir).slug;
    const run = await runCli(['import', dir, '--json'], config);
    expect(run.code).toBe(0);
    tenantId = run.json.tenant.id;
  });
  afterAll(async () => {
    await t.close();
    removeAll(tmp);
  });

  it('users log in with their existing passwords at <slug>.<BASE_DOMAIN> and with X-Tenant-ID', async () => {
    const byHeader = await login({ header: slug }, 'anna.becker@acme-logistics.example', 'anna-legacy-pass');
    expect(byHeader.status).toBe(200);
    const byHost = await login({ host: `${slug}.${BASE_DOMAIN}` }, 'Paul.Koch@acme-logistics.example', 'paul-legacy-pass');
    expect(byHost.status).toBe(200);

    const auth = { Authorization: `Bearer ${byHeader.body.access_token}` };
    const me = await t.http.get('/api/tenant').set(auth);
    expect(me.body).toMatchObject({ id: tenantId, slug, name: 'Acme Logistics GmbH', plan: 'standard', status: 'active' });
    let seen = 0;
    let cursor: string | null = null;
    do {
      const page: { body: { items: unknown[]; next_cursor: string | null } } = await t.http
        .get(`/api/resources?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        .set(auth);
      seen += page.body.items.length;
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toBe(300);
  });

  it('a user imported without a hash cannot log in until a password is set; a wrong password is refused', async () => {
    expect((await login({ header: slug }, 'emma.schulz@acme-logistics.example', 'emma-legacy-pass')).status).toBe(401);
    expect((await login({ header: slug }, 'anna.becker@acme-logistics.example', 'not-her-password')).status).toBe(401);

    const owner = await login({ header: slug }, 'anna.becker@acme-logistics.example', 'anna-legacy-pass');
    const ownerAuth = { Authorization: `Bearer ${owner.body.access_token}` };
    const users = await t.http.get('/api/users?limit=100').set(ownerAuth);
    const emma = users.body.items.find((u: { email: string }) => u.email === 'emma.schulz@acme-logistics.example');
    expect((await t.http.patch(`/api/users/${emma.id}`).set(ownerAuth).send({ password: 'a-fresh-password' })).status).toBe(200);
    expect((await login({ header: slug }, 'emma.schulz@acme-logistics.example', 'a-fresh-password')).status).toBe(200);
  });

  it('registers the custom domain when the plan allows it', async () => {
    const domain = `portal.${readManifest(copyExport(SAMPLE_EXPORT, tmp)).slug}.example`;
    const dir = copyExport(SAMPLE_EXPORT, tmp, { plan: 'enterprise', custom_domain: domain });
    expect((await runCli(['import', dir], config)).code).toBe(0);
    const res = await login({ host: domain }, 'jonas.weber@acme-logistics.example', 'jonas-legacy-pass');
    expect(res.status).toBe(200);
  });

  it('imported data is invisible to other tenants', async () => {
    const other: TenantSession = await t.createTenant();
    const resources = await t.http.get('/api/resources?limit=100').set(other.auth);
    expect(resources.body.items).toEqual([]);
    const users = await t.http.get('/api/users?limit=100').set(other.auth);
    expect(users.body.items.map((u: { email: string }) => u.email)).toEqual([other.ownerEmail]);

    const owner = await login({ header: slug }, 'anna.becker@acme-logistics.example', 'anna-legacy-pass');
    const ownerAuth = { Authorization: `Bearer ${owner.body.access_token}` };
    const anImported = (await t.http.get('/api/resources?limit=1').set(ownerAuth)).body.items[0].id;
    expect((await t.http.get(`/api/resources/${anImported}`).set(other.auth)).status).toBe(404);
    expect((await t.http.get(`/api/resources/${anImported}`).set(ownerAuth)).status).toBe(200);
    expect((await login({ header: other.slug }, 'anna.becker@acme-logistics.example', 'anna-legacy-pass')).status).toBe(401);
  });
});
