import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { ApiKeyView } from '../api-key.view';

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'billing-sync' }) name: string;
  @ApiProperty({ enum: ['admin', 'member'] }) role: 'admin' | 'member';
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The user who minted it' }) created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) expires_at: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'Updated at most once a minute' })
  last_used_at: string | null;
}

export class ApiKeyCreatedResponse extends ApiKeyResponse {
  @ApiProperty({ example: 'cas_…', description: 'The key itself: shown this once, stored only as a hash' }) secret: string;
}

documents<ApiKeyResponse, ApiKeyView>(true);
documents<ApiKeyCreatedResponse, ApiKeyView & { secret: string }>(true);
