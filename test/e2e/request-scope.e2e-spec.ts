import { NestContainer } from '@nestjs/core';
import { TenantConnection } from '@cascade/tenancy';
import { TestApp } from '../support/test-app';

/**
 * Request scope stops at the edge: the tenant connection is the one request-scoped provider, and
 * no controller or service depends on it (Nest would otherwise rebuild them on every request).
 * Handlers get it through the request context (`@Tx()`), and it still works per request.
 */
describe('request scope stops at the edge', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  it('leaves every controller and every other provider a singleton', () => {
    const container = (t.app as unknown as { container: NestContainer }).container;
    const requestBound: string[] = [];
    let controllers = 0;
    for (const module of container.getModules().values()) {
      for (const wrapper of module.controllers.values()) {
        controllers++;
        if (!wrapper.isDependencyTreeStatic()) requestBound.push(`controller ${wrapper.name}`);
      }
      for (const wrapper of [...module.providers.values(), ...module.injectables.values()]) {
        if (wrapper.metatype === TenantConnection || wrapper.isDependencyTreeStatic()) continue;
        // Nest's own REQUEST/INQUIRER placeholders are not ours
        if (wrapper.name === 'REQUEST' || wrapper.name === 'INQUIRER') continue;
        requestBound.push(`provider ${String(wrapper.name)}`);
      }
    }
    expect(controllers).toBeGreaterThan(5);
    expect(requestBound).toEqual([]);
  });

  it('gives each request its own transaction through the request context', async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    const created = await t.http.post('/api/resources').set(a.auth).send({ name: 'only-a' }).expect(201);
    const [mine, theirs] = await Promise.all([
      t.http.get(`/api/resources/${created.body.id}`).set(a.auth),
      t.http.get(`/api/resources/${created.body.id}`).set(b.auth),
    ]);
    expect(mine.status).toBe(200);
    expect(mine.body.name).toBe('only-a');
    expect(theirs.status).toBe(404);
  });
});
