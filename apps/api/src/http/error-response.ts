import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@cascade/core';

export interface ErrorBody {
  statusCode: number;
  error: ErrorCode;
  message: string;
  [extra: string]: unknown;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

// Connection-level failures: the database is away, not the request wrong → 503, quickly.
const UNAVAILABLE_PG_CODES = /^(08|53|57P0[1-3])/;
const UNAVAILABLE_MESSAGES =
  /(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly|QueryRunnerAlreadyReleased|canceling statement due to statement timeout)/i;

function isUnavailable(err: Record<string, unknown>): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  const driverCode =
    typeof (err.driverError as Record<string, unknown> | undefined)?.code === 'string'
      ? String((err.driverError as Record<string, unknown>).code)
      : '';
  return (
    UNAVAILABLE_PG_CODES.test(code) ||
    UNAVAILABLE_PG_CODES.test(driverCode) ||
    UNAVAILABLE_MESSAGES.test(String(err.message ?? '')) ||
    err.name === 'QueryRunnerAlreadyReleasedError'
  );
}

function flattenMessage(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown })?.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : fallback;
}

/**
 * Maps anything thrown to the contract's {statusCode, error, message}. Only DomainError and
 * framework HTTP errors carry their own text; everything else becomes a bare 500 (or 503 when
 * the database is unreachable) — never a stack, SQL or row data.
 */
export function toErrorResponse(err: unknown): { body: ErrorBody; headers: Record<string, string>; unexpected: boolean } {
  if (err instanceof DomainError) {
    return {
      body: { statusCode: err.status, error: err.code, message: err.message, ...err.extra },
      headers: err.headers,
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse() as { status?: unknown; details?: Record<string, { status: string }> };
    if (status === 503 && response?.status === 'error' && response.details) {
      // A failed health check (terminus): name the failing checks, keep every check's state.
      const failing = Object.entries(response.details)
        .filter(([, v]) => v.status !== 'up')
        .map(([k]) => k);
      return {
        body: { statusCode: 503, error: 'unavailable', message: `not ready: ${failing.join(', ')}`, checks: response.details },
        headers: {},
        unexpected: false,
      };
    }
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    const message = status >= 500 ? 'Internal server error' : flattenMessage(err.getResponse(), err.message);
    return { body: { statusCode: status, error: code, message }, headers: {}, unexpected: status >= 500 };
  }
  const e = (err ?? {}) as Record<string, unknown>;
  if (isUnavailable(e)) {
    return {
      body: { statusCode: 503, error: 'unavailable', message: 'The service is temporarily unavailable' },
      headers: { 'Retry-After': '1' },
      unexpected: true,
    };
  }
  // A deadlock or serialization failure (SQLSTATE 40P01 / 40001): two requests changed the same rows
  // at once (e.g. a tenant deleted while one of its users is edited) and PostgreSQL rolled this one
  // back whole. Nothing was written; the same request is expected to succeed when sent again.
  if (e.code === '40P01' || e.code === '40001') {
    return {
      body: {
        statusCode: 409,
        error: 'conflict',
        message: 'A concurrent change to the same data won; nothing was written, retry the request',
      },
      headers: { 'Retry-After': '1' },
      unexpected: false,
    };
  }
  // SQLSTATE class 22 (data exception: NUL bytes, out-of-range numbers…) is the caller's input.
  if (typeof e.code === 'string' && e.code.startsWith('22')) {
    return {
      body: { statusCode: 400, error: 'validation_failed', message: 'A value in the request is not valid' },
      headers: {},
      unexpected: false,
    };
  }
  return { body: { statusCode: 500, error: 'internal_error', message: 'Internal server error' }, headers: {}, unexpected: true };
}
