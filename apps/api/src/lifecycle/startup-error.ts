import { createServer } from 'node:net';
import { ConfigError } from '@cascade/core';
import { EmbeddedPostgresError } from '@cascade/database';

/** A start-up failure we expect and can explain: printed as one line, no stack. */
export class StartupError extends Error {}

/**
 * One line naming the cause and the fix for the failures a developer meets (bad config, a port
 * in use, the embedded database out of reach, a database that does not answer); anything else
 * keeps its message (and the stack, which is then worth reading).
 */
export function describeStartupFailure(err: unknown, ctx: { host: string; port: number }): { line: string; expected: boolean } {
  if (err instanceof ConfigError || err instanceof EmbeddedPostgresError || err instanceof StartupError) return { line: err.message, expected: true };
  const e = (err ?? {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE') {
    return { line: `port ${ctx.port} is in use on ${ctx.host} (another CASCADE?): stop it, or start on another port with PORT=${ctx.port + 1} npm start`, expected: true };
  }
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
    return { line: `cannot listen on HOST=${ctx.host} (${e.code}): use an address of this machine, e.g. HOST=127.0.0.1 or HOST=0.0.0.0`, expected: true };
  }
  if (e.code === 'EACCES' && e.syscall === 'listen') {
    return { line: `not allowed to listen on port ${ctx.port}: use a port above 1023, e.g. PORT=3000`, expected: true };
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ETIMEDOUT' || e.code === '28P01' || e.code === '3D000') {
    return { line: `the database does not answer (${e.code}${e.address ? ` at ${e.address}:${e.port}` : ''}: ${e.message}): check DATABASE_URL, or unset it to use the embedded PostgreSQL`, expected: true };
  }
  if (err instanceof Error) return { line: err.message, expected: false };
  return { line: `unexpected failure: ${String(err)}`, expected: false };
}

/**
 * Fails fast when HOST:PORT cannot be bound, before the embedded database and the migrations
 * run (and before Nest logs its own error for it).
 */
export function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new StartupError(describeStartupFailure(err, { host, port }).line)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
