import { INestApplication, Logger } from '@nestjs/common';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ShutdownState } from '../health/shutdown.state';

/**
 * SIGTERM/SIGINT: readiness turns 503 at once, the listener stops taking connections, requests
 * in flight finish (bounded by graceMs) and answer with `Connection: close` so keep-alive
 * clients move to another replica, then pools close and the process exits 0.
 */
export function installGracefulShutdown(
  app: INestApplication,
  opts: {
    graceMs: number;
    onClosed?: () => Promise<void>;
    exit?: (code: number) => void;
    /** Where signals come from (the process; tests pass their own emitter). */
    signals?: Pick<NodeJS.EventEmitter, 'once'>;
  },
): void {
  const logger = new Logger('Shutdown');
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const server = app.getHttpServer() as Server;
  const inFlight = new Set<ServerResponse>();
  let stopping = false;

  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining ${inFlight.size} in-flight request(s), grace ${opts.graceMs} ms`);
    app.get(ShutdownState).draining = true;
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const timer = setTimeout(() => {
      logger.warn(`grace period over: closing ${inFlight.size} remaining connection(s)`);
      server.closeAllConnections();
    }, opts.graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
    let code = 0;
    try {
      await app.close();
      await opts.onClosed?.();
    } catch (err) {
      logger.error(`shutdown failed: ${(err as Error).message}`);
      code = 1;
    }
    logger.log('stopped');
    exit(code);
  };
  const signals = opts.signals ?? process;
  signals.once('SIGTERM', () => void stop('SIGTERM'));
  signals.once('SIGINT', () => void stop('SIGINT'));
}
