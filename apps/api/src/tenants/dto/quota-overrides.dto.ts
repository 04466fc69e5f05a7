import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Per-tenant overrides on top of the plan; a field left out keeps its current value. */
export class QuotaOverridesDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) max_users?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) max_storage_bytes?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(2147483647) max_api_calls_per_minute?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(2147483647) max_concurrent_requests?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(2147483647) max_workrooms?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() custom_domain_allowed?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[a-z][a-z0-9_]{0,49}$/, { each: true, message: 'features must be lowercase identifiers' })
  features?: string[];
}
