import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppConfig, currentRequestId, keepRequestContext } from '@cascade/core';
import { HttpMetrics } from '@cascade/metrics';
import { findTenantContext } from '@cascade/tenancy';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

/** JSON lines in production (one object per line, for log shippers), readable text in development. */
export function createAppLogger(config: Pick<AppConfig, 'logFormat' | 'logLevel'>): ConsoleLogger {
  const json = config.logFormat === 'json';
  return new ConsoleLogger('Cascade', { json, colors: !json, logLevels: LEVELS[config.logLevel] });
}

/**
 * One line per request once it is answered: request id, tenant, route template, status and
 * duration. Never bodies, never headers (tokens live there), never the raw query string.
 */
export function requestLogHook(logger: ConsoleLogger, format: AppConfig['logFormat'] = 'json') {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const started = process.hrtime.bigint();
    reply.raw.once(
      'finish',
      keepRequestContext(() => {
        const line = {
          request_id: currentRequestId(),
          tenant_id: findTenantContext()?.tenant.id ?? null,
          method: req.method,
          route: HttpMetrics.endpointOf(req),
          status: reply.statusCode,
          duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        };
        // Pretty mode: one readable line (an object would be printed over several lines).
        logger.log(format === 'json' ? line : prettyRequestLine(line), 'Request');
      }),
    );
    done();
  };
}

export function prettyRequestLine(l: {
  request_id: string | undefined;
  tenant_id: string | null;
  method: string;
  route: string;
  status: number;
  duration_ms: number;
}): string {
  return `${l.method} ${l.route} ${l.status} ${l.duration_ms} ms tenant=${l.tenant_id ?? '-'} id=${l.request_id ?? '-'}`;
}
