import { INestApplication, Logger } from '@nestjs/common';
import { Server } from 'node:http';
import { ShutdownState } from '../health/shutdown.state';

/**
 * SIGTERM/SIGINT: readiness turns 503 at once, the listener stops taking connections, requests
 * in flight finish (bounded by graceMs), idle keep-alive sockets close, then pools close.
 */
export function installGracefulShutdown(
  app: INestApplication,
  opts: { graceMs: number; onClosed?: () => Promise<void>; exit?: (code: number) => void },
): void {
  const logger = new Logger('Shutdown');
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining (grace ${opts.graceMs} ms)`);
    app.get(ShutdownState).draining = true;
    const server = app.getHttpServer() as Server;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      logger.warn('grace period over: closing remaining connections');
      server.closeAllConnections();
    }, opts.graceMs);
    timer.unref();
    // Keep-alive sockets that go idle after their last response are closed as they free up.
    const sweeper = setInterval(() => server.closeIdleConnections(), 100);
    await closed;
    clearInterval(sweeper);
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
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
