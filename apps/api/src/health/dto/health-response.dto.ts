import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { HealthCheckResult, HealthCheckStatus } from '@nestjs/terminus';
import { documents } from '../../http/openapi/wire-shape';
import type { HealthController } from '../health.controller';
import { RedisState } from '../redis.health';

const CHECKS: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

/** Terminus' health-check result: every check by name, split by state. */
export class LivenessResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: HealthCheckStatus;
  @ApiPropertyOptional({ ...CHECKS, description: 'The checks that are up' }) info?: HealthCheckResult['info'];
  @ApiPropertyOptional({ ...CHECKS, description: 'The checks that are down' }) error?: HealthCheckResult['error'];
  @ApiProperty({ ...CHECKS, description: 'Every check' }) details: HealthCheckResult['details'];
}

export class ReadinessResponse extends LivenessResponse {
  @ApiProperty({
    enum: ['up', 'degraded', 'not_configured'],
    description: 'Redis is reported, never a reason to be unready: requests are served from the database while it is away',
  })
  redis: RedisState;
}

documents<LivenessResponse, Awaited<ReturnType<HealthController['live']>>>(true);
// Readiness names its checks (draining, database, migrations) in its type; the document keeps them open.
type Readiness = Awaited<ReturnType<HealthController['ready']>>;
type ByName = 'info' | 'error' | 'details';
documents<Omit<ReadinessResponse, ByName>, Omit<Readiness, ByName>>(true);
documents<keyof ReadinessResponse, keyof Readiness>(true);
