import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_MODE, IdempotencyInterceptor, IdempotencyMode } from './idempotency.interceptor';

const HEADER_DOC =
  'Optional, 1..255 printable ASCII characters. The same key with the same request within 24 h answers the first ' +
  'response again (header Idempotent-Replayed: true) and creates nothing; failed requests are not remembered.';

/**
 * A creating POST that honours `Idempotency-Key`. `upload` is for streamed routes whose change
 * spans several short transactions; they must call IdempotencyKeys.completeUpload in the last one.
 */
export function Idempotent(mode: IdempotencyMode = 'transaction') {
  return applyDecorators(
    SetMetadata(IDEMPOTENCY_MODE, mode),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: HEADER_DOC }),
    ApiConflictResponse({ description: 'idempotency_in_progress: a request with this Idempotency-Key is still running' }),
    ApiUnprocessableEntityResponse({ description: 'idempotency_key_reused: this Idempotency-Key came with another request' }),
  );
}
