import { ErrorCode } from './error-codes';

/**
 * An error the client may see: it carries the contract's machine code and HTTP status.
 * The global exception filter turns it into {statusCode, error, message, ...extra}.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationFailed = (message: string) => new DomainError(400, 'validation_failed', message);
export const tenantRequired = () =>
  new DomainError(400, 'tenant_required', 'This route needs a tenant: send a token or an X-Tenant-ID header');
export const unauthorized = (message = 'Authentication required') => new DomainError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do this') => new DomainError(403, 'forbidden', message);
export const tenantMismatch = () => new DomainError(403, 'tenant_mismatch', 'The tenant named by the request does not match the token');
export const tenantSuspended = () => new DomainError(403, 'tenant_suspended', 'This tenant is suspended');
export const featureNotEnabled = (feature: string) =>
  new DomainError(403, 'feature_not_enabled', `This tenant's plan does not include the feature "${feature}"`, { feature });
export const quotaExceeded = (resource: string, limit: number) =>
  new DomainError(403, 'quota_exceeded', `Quota exceeded for ${resource} (limit ${limit})`, { resource, limit });
export const notFound = () => new DomainError(404, 'not_found', 'Not found');
export const tenantNotFound = () => new DomainError(404, 'tenant_not_found', 'Unknown tenant');
export const conflict = (code: 'conflict' | 'slug_taken' | 'email_taken', message: string) => new DomainError(409, code, message);
export const payloadTooLarge = (limit: number) =>
  new DomainError(413, 'payload_too_large', `The upload exceeds the limit of ${limit} bytes`, { limit });
export const unavailable = (message = 'The service is temporarily unavailable') => new DomainError(503, 'unavailable', message);
