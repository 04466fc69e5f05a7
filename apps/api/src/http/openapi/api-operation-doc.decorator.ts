import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { HeaderObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ERROR_STATUS, ErrorCode } from '@cascade/core';
import { ErrorResponse } from './error-response.dto';
import { PageOf } from './page.dto';

/** Who may call: a tenant's users (bearer token), platform admins (bearer token), anyone. */
export type Access = 'tenant' | 'platform' | 'public';

export interface OperationDoc {
  summary: string;
  description?: string;
  /** Default 'tenant'. */
  access?: Access;
  /** Exactly one success answer: */
  ok?: Type<unknown>;
  created?: Type<unknown>;
  /** 200 `{items: T[], next_cursor}` */
  page?: Type<unknown>;
  noContent?: string;
  /** 200 with the raw bytes (`application/octet-stream`), and the headers that come with them. */
  bytes?: { description: string; headers: Record<string, string> };
  /** A JSON request body (the DTO is documented from the @Body() parameter). */
  jsonBody?: boolean;
  /** A multipart/form-data request body, described by this class. */
  multipart?: Type<unknown>;
  /** Path parameters that are ids: name → description. Malformed → 400, not the caller's → 404. */
  ids?: Record<string, string>;
  /** Accepts Idempotency-Key (contract: "Retries are safe"). */
  idempotent?: boolean;
  /** Codes this operation answers beyond those its access, body, ids and idempotency imply. */
  errors?: ErrorCode[];
  /** Headers of the success answer beyond the common ones (name → description). */
  headers?: Record<string, string>;
}

const header = (description: string, schema: HeaderObject['schema'] = { type: 'string' }): HeaderObject => ({ description, schema });

const REQUEST_ID = {
  'X-Request-Id': header('The request id (the caller’s own when it sent a well-formed X-Request-Id); quote it when reporting a problem'),
};
const RATE_LIMIT = {
  'RateLimit-Limit': header('Calls allowed per minute for the tenant (max_api_calls_per_minute)', { type: 'integer' }),
  'RateLimit-Remaining': header('Calls left in the current window', { type: 'integer' }),
  'RateLimit-Reset': header('Seconds until the window resets', { type: 'integer' }),
};
const RETRY_AFTER = { 'Retry-After': header('Seconds to wait before retrying', { type: 'integer' }) };
const IDEMPOTENT_REPLAYED = {
  'Idempotent-Replayed': header('`true` when this is the stored answer to an earlier request with the same Idempotency-Key', {
    type: 'string',
    enum: ['true'],
  }),
};

/** What every operation of a kind can answer, whatever it does. */
const ACCESS_ERRORS: Record<Access, ErrorCode[]> = {
  // the tenant is resolved from the token and the hints, then limited, before the route runs
  tenant: [
    'tenant_required',
    'validation_failed',
    'unauthorized',
    'tenant_mismatch',
    'tenant_suspended',
    'tenant_not_found',
    'rate_limited',
    'too_many_concurrent_requests',
  ],
  platform: ['unauthorized', 'forbidden'],
  public: [],
};
// answered before the app sees the request (client-error.ts), or by anything failing underneath
const ALWAYS: ErrorCode[] = ['header_too_large', 'internal_error', 'unavailable'];

function errorCodes(doc: OperationDoc, access: Access): ErrorCode[] {
  const codes = [...ACCESS_ERRORS[access], ...(doc.errors ?? []), ...ALWAYS];
  if (doc.jsonBody) codes.push('validation_failed', 'payload_too_large', 'unsupported_media_type');
  if (doc.multipart) codes.push('validation_failed', 'payload_too_large', 'unsupported_media_type');
  if (doc.ids) codes.push('validation_failed', 'not_found');
  if (doc.idempotent) codes.push('validation_failed', 'idempotency_in_progress', 'idempotency_key_reused');
  return [...new Set(codes)];
}

/** One documented answer per status, listing the machine codes it can carry. */
function errorResponses(codes: ErrorCode[], access: Access): MethodDecorator[] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, list]) =>
      ApiResponse({
        status,
        description: `Error: ${list.map((c) => `\`${c}\``).join(', ')}`,
        content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } },
        headers: {
          ...REQUEST_ID,
          ...(status === 429 && access === 'tenant' ? RATE_LIMIT : {}),
          ...(status === 429 || status === 503 || list.includes('idempotency_in_progress') ? RETRY_AFTER : {}),
        },
      }),
    );
}

function successResponse(doc: OperationDoc, successHeaders: Record<string, HeaderObject>): MethodDecorator {
  const answers = [doc.ok, doc.created, doc.page, doc.noContent, doc.bytes].filter((a) => a !== undefined);
  if (answers.length !== 1) throw new Error(`ApiOperationDoc "${doc.summary}": give exactly one of ok, created, page, noContent, bytes`);
  const headers = { ...successHeaders, ...Object.fromEntries(Object.entries(doc.headers ?? {}).map(([k, v]) => [k, header(v)])) };
  if (doc.ok) return ApiResponse({ status: 200, description: 'OK', type: doc.ok, headers });
  if (doc.created) return ApiResponse({ status: 201, description: 'Created', type: doc.created, headers });
  if (doc.page) return ApiResponse({ status: 200, description: 'One page of the list', type: PageOf(doc.page), headers });
  if (doc.bytes) {
    return ApiResponse({
      status: 200,
      description: doc.bytes.description,
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      headers: { ...headers, ...Object.fromEntries(Object.entries(doc.bytes.headers).map(([k, v]) => [k, header(v)])) },
    });
  }
  return ApiResponse({ status: 204, description: doc.noContent!, headers });
}

/**
 * The whole OpenAPI description of one operation in one place: summary, security, parameters,
 * the success answer with its schema and headers, and every error answer (ErrorResponse) the
 * operation can give — derived from what kind of route it is, so no 4xx goes undocumented.
 */
export function ApiOperationDoc(doc: OperationDoc): MethodDecorator {
  const access = doc.access ?? 'tenant';
  const successHeaders = { ...REQUEST_ID, ...(access === 'tenant' ? RATE_LIMIT : {}), ...(doc.idempotent ? IDEMPOTENT_REPLAYED : {}) };
  const decorators: (MethodDecorator | ClassDecorator)[] = [
    ApiOperation({ summary: doc.summary, description: doc.description, ...(access === 'public' ? { security: [] } : {}) }),
    ApiExtraModels(ErrorResponse),
    ApiHeader({
      name: 'X-Request-Id',
      required: false,
      description: 'Your own id for this request, echoed back (otherwise the server makes one)',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
    }),
    successResponse(doc, successHeaders),
    ...errorResponses(errorCodes(doc, access), access),
  ];
  if (access !== 'public') decorators.push(ApiBearerAuth());
  for (const [name, description] of Object.entries(doc.ids ?? {})) {
    decorators.push(ApiParam({ name, description, schema: { type: 'string', format: 'uuid' } }));
  }
  if (doc.idempotent) {
    decorators.push(
      ApiHeader({
        name: 'Idempotency-Key',
        required: false,
        description:
          'Makes a retry safe: the same key with the same body within 24 h answers the first answer again (Idempotent-Replayed: true) and creates nothing twice',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]{1,255}$' },
      }),
    );
  }
  if (doc.multipart) decorators.push(ApiConsumes('multipart/form-data'), ApiBody({ type: doc.multipart }));
  return applyDecorators(...decorators);
}
