import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '@cascade/core';
import { ErrorBody } from '../error-response';
import { documents } from './wire-shape';

/** The one error shape of the contract; every 4xx/5xx of every operation refers to it. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404, description: 'The HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'not_found',
    description: 'Machine code: branch on this, not on message',
  })
  error: ErrorCode;

  @ApiProperty({ example: 'Not found', description: 'For humans; may change between releases' })
  message: string;

  @ApiPropertyOptional({ example: 'users', description: 'quota_exceeded: what is counted — users, workrooms or storage_bytes' })
  resource?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 100,
    description: 'quota_exceeded, rate_limited, too_many_concurrent_requests, payload_too_large: the limit that was hit',
  })
  limit?: number;

  @ApiPropertyOptional({ example: 'advanced_search', description: "feature_not_enabled: the feature the tenant's plan lacks" })
  feature?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'unavailable from GET /health/ready: the state of every readiness check',
  })
  checks?: Record<string, unknown>;
}

// The exception filter's body and this class name the same fields with the same types.
documents<Pick<ErrorBody, 'statusCode' | 'error' | 'message'>, Pick<ErrorResponse, 'statusCode' | 'error' | 'message'>>(true);
