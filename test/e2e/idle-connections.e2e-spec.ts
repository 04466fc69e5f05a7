import { AddressInfo, connect, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RequestContext } from '@cascade/core';
import { TenantConnection } from '@cascade/tenancy';
import { eventually } from '../support/eventually';
import { TestApp } from '../support/test-app';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** One GET on a raw keep-alive socket; resolves with the status line once the answer is in. */
function ask(socket: Socket, path: string, auth: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0]));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${auth}\r\n\r\n`);
  });
}

/**
 * A keep-alive socket's idle timer is created inside the request that used it last; that request
 * must not live on with it. With 10,000 idle connections it was 10,000 requests' worth of memory.
 */
describe('idle keep-alive connections', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await t.close();
  });

  it("do not keep their last request's connection, principal or response alive", async () => {
    const a = await t.createTenant();
    const { body } = await t.http.post('/api/resources').set(a.auth).send({ name: 'kept?' }).expect(201);
    const held: WeakRef<object>[] = [];
    const set = RequestContext.prototype.set;
    const spy = jest.spyOn(RequestContext.prototype, 'set').mockImplementation(function (this: RequestContext, slot, value) {
      if (value instanceof TenantConnection) held.push(new WeakRef(value));
      return set.call(this, slot, value);
    });
    try {
      const port = (t.app.getHttpServer().address() as AddressInfo).port;
      for (let i = 0; i < 20; i++) {
        const socket = await new Promise<Socket>((resolve) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
        });
        sockets.push(socket);
        expect(await ask(socket, `/api/resources/${body.id}`, a.auth.Authorization)).toBe('HTTP/1.1 200 OK');
      }
    } finally {
      spy.mockRestore();
    }
    expect(held).toHaveLength(20);
    // every socket is still open and idle; what its request held must be collectable
    expect(sockets.every((s) => !s.destroyed)).toBe(true);
    await eventually(
      () => {
        gc();
        return held.every((ref) => ref.deref() === undefined);
      },
      { timeoutMs: 5000, intervalMs: 50, what: 'the idle connections to let go of their last request' },
    );
  });
});
