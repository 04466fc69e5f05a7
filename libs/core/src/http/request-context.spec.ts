import { ContextSlot, keepRequestContext, RequestContext, requestContext, runInRequestContext } from './request-context';

describe('request context', () => {
  const NAME = new ContextSlot<string>('name');

  it('throws a clear error when read outside a request', () => {
    expect(() => requestContext()).toThrow(/No request context/);
  });

  it('is the same context through awaits, and a missing value is an error, not undefined', async () => {
    const context = new RequestContext('req-1');
    await runInRequestContext(context, async () => {
      requestContext().set(NAME, 'a');
      await new Promise((resolve) => setImmediate(resolve));
      expect(requestContext().requestId).toBe('req-1');
      expect(requestContext().get(NAME)).toBe('a');
    });
    await runInRequestContext(new RequestContext('req-2'), async () => {
      expect(requestContext().find(NAME)).toBeUndefined();
      expect(() => requestContext().get(NAME)).toThrow('No name in this request');
    });
  });

  it('carries the context into a callback that an event emitter calls later', async () => {
    let later: (() => string) | undefined;
    runInRequestContext(new RequestContext('req-3'), () => {
      later = keepRequestContext(() => requestContext().requestId);
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(later?.()).toBe('req-3');
  });

  it('holds nothing once ended: reads say the request was answered, and later writes are dropped', () => {
    const context = new RequestContext('req-4');
    context.set(NAME, 'a');
    context.end();
    expect(context.find(NAME)).toBeUndefined();
    expect(() => context.get(NAME)).toThrow('No name: the request was already answered');
    context.set(NAME, 'b');
    expect(context.find(NAME)).toBeUndefined();
    expect(context.requestId).toBe('req-4');
  });
});
