import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ContextProbeModule, seenByRequest } from '../support/context-probe.controller';
import { TenantSession, TestApp } from '../support/test-app';

/**
 * The request context is opened by a Fastify onRequest hook at the edge; everything after it —
 * the JSON body parser reading the stream, Nest's guards, interceptors, the route and the
 * exception filter — must run inside that same context, for concurrent requests each its own.
 */
describe('one request context from the edge to the exception filter', () => {
  let t: TestApp;
  let a: TenantSession;
  let port: number;

  beforeAll(async () => {
    t = await TestApp.start({ modules: [ContextProbeModule] });
    a = await t.createTenant();
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /** A JSON body sent in two chunks 30 ms apart: the route runs from the body stream's events. */
  const slowPost = (path: string, requestId: string) =>
    new Promise<{ status: number; requestId: string; body: Record<string, unknown> }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path, headers: { ...a.auth, 'content-type': 'application/json', 'x-request-id': requestId } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id']), body: JSON.parse(Buffer.concat(parts).toString()) }),
          );
        },
      );
      req.on('error', reject);
      req.write('{"probe":');
      setTimeout(() => req.end('"yes"}'), 30);
    });

  it('guards, interceptor, handler and the answer see the request id of their own request, 20 at once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `ctx-probe-${String(i).padStart(4, '0')}`);
    const answers = await Promise.all(ids.map((id) => slowPost('/test-only/context', id)));
    for (const [i, answer] of answers.entries()) {
      expect(answer).toEqual({ status: 201, requestId: ids[i], body: { request_id: ids[i], tenant_id: a.id } });
      expect(seenByRequest.get(ids[i])).toEqual({
        guard: ids[i],
        'interceptor before': ids[i],
        handler: ids[i],
        'interceptor after': ids[i],
      });
    }
  });

  it('the exception filter audits a refusal under the same request id', async () => {
    const answer = await slowPost('/test-only/context/refuse', 'ctx-refused-0001');
    expect(answer).toMatchObject({ status: 403, requestId: 'ctx-refused-0001', body: { statusCode: 403, error: 'forbidden' } });
    const rows = await t.db.query(`SELECT outcome, request_id FROM cascade.audit_events WHERE tenant_id = $1 AND request_id = $2`, [
      a.id,
      'ctx-refused-0001',
    ]);
    expect(rows).toEqual([{ outcome: 'denied', request_id: 'ctx-refused-0001' }]);
  });
});
