import { DomainError } from '@cascade/core';

export const idempotencyKeyReused = () =>
  new DomainError(
    422,
    'idempotency_key_reused',
    'This Idempotency-Key was already used with another request (method, route or body); use a new key for a new request',
  );

export const idempotencyInProgress = () =>
  new DomainError(
    409,
    'idempotency_in_progress',
    'A request with this Idempotency-Key is still running; retry once it has finished',
    {},
    { 'Retry-After': '1' },
  );
