import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { QuotaView } from '../tenants.service';

/** The effective limits: the plan's defaults overlaid with the tenant's own overrides. */
export class QuotaLimitsResponse {
  @ApiProperty({ type: 'integer', example: 100 }) max_users: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 107374182400 }) max_storage_bytes: number;
  @ApiProperty({ type: 'integer', example: 1000 }) max_api_calls_per_minute: number;
  @ApiProperty({ type: 'integer', example: 100 }) max_concurrent_requests: number;
  @ApiProperty({ type: 'integer', example: 50 }) max_workrooms: number;
  @ApiProperty() custom_domain_allowed: boolean;
  @ApiProperty({ type: [String], example: ['advanced_search'] }) features: string[];
}

export class QuotaUsageResponse {
  @ApiProperty({ type: 'integer' }) users: number;
  @ApiProperty({ type: 'integer' }) workrooms: number;
  @ApiProperty({ type: 'integer', format: 'int64' }) storage_bytes: number;
}

export class QuotaResponse {
  @ApiProperty({ type: QuotaLimitsResponse }) limits: QuotaLimitsResponse;
  @ApiProperty({ type: QuotaUsageResponse }) usage: QuotaUsageResponse;
}

documents<QuotaResponse, QuotaView>(true);
