/**
 * Every machine code an error answer can carry (contract: "Errors"), with its HTTP status.
 * DomainError only accepts these, and the OpenAPI document's ErrorResponse enumerates them:
 * a new code added here is documented by construction, and a code not listed here does not compile.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  tenant_required: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  tenant_mismatch: 403,
  tenant_suspended: 403,
  quota_exceeded: 403,
  feature_not_enabled: 403,
  not_found: 404,
  tenant_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  slug_taken: 409,
  email_taken: 409,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  too_many_concurrent_requests: 429,
  header_too_large: 431,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
