import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A typed place in the request context. Each library declares the slots it owns (auth the
 * principal, tenancy the tenant and the transaction, audit its details) so the dependency
 * direction of the libraries holds: core knows the context, not what is kept in it.
 */
export class ContextSlot<T> {
  // Only here to make ContextSlot<A> and ContextSlot<B> different types.
  declare private readonly type: T;

  constructor(readonly name: string) {}
}

/**
 * What one request knows about itself, opened once at the edge (before any guard or route) and
 * read by the code it calls through parameter decorators or the `current…()` functions of each
 * library. Nothing is hung on `req`; controllers and services stay singletons.
 */
export class RequestContext {
  private readonly values = new Map<ContextSlot<unknown>, unknown>();
  private ended = false;

  constructor(readonly requestId: string) {}

  /**
   * Lets go of everything the request held, once it is answered. The context itself outlives the
   * request: a keep-alive socket's idle timer is created inside it and keeps it until the next
   * request or the close — with its values, every idle connection would keep its last request
   * (request, response, connection, principal) alive: 10,000 idle connections, 10,000 requests.
   */
  end(): void {
    this.ended = true;
    this.values.clear();
  }

  set<T>(slot: ContextSlot<T>, value: T): void {
    if (this.ended) return; // work that outlives the answer must not hold on to anything again
    this.values.set(slot, value);
  }

  find<T>(slot: ContextSlot<T>): T | undefined {
    return this.values.get(slot) as T | undefined;
  }

  /** Throws instead of returning undefined: a missing value here is a bug in the request path. */
  get<T>(slot: ContextSlot<T>): T {
    const value = this.values.get(slot) as T | undefined;
    if (value === undefined && this.ended) throw new Error(`No ${slot.name}: the request was already answered`);
    if (value === undefined) throw new Error(`No ${slot.name} in this request: it is set at the edge before any handler runs`);
    return value;
  }
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it calls, sync or async) inside `context`. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current request's context, or undefined outside a request (background jobs, start-up). */
export function findRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current request's context; outside a request it throws a clear error instead. */
export function requestContext(): RequestContext {
  const context = storage.getStore();
  if (!context) {
    throw new Error(
      'No request context: request-bound values can only be read inside an HTTP request (opened at the HTTP edge)',
    );
  }
  return context;
}

/**
 * `fn`, to be called later from a stream or socket event, bound to the current request's context.
 * Event callbacks run in the context of whoever emits them (the socket, not the request), so code
 * that continues a request from an event (a body parser calling next(), a 'finish' handler) must
 * carry the context over explicitly.
 */
export function keepRequestContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const context = storage.getStore();
  if (!context) return fn;
  return (...args: A) => storage.run(context, fn, ...args);
}
