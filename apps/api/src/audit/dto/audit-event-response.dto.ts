import { ApiProperty } from '@nestjs/swagger';
import { AuditView } from '@cascade/audit';
import { documents } from '../../http/openapi/wire-shape';

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'null for gateway and platform requests' })
  actor_id: string | null;
  @ApiProperty({ example: 'resource.create' }) action: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'resource' }) resource_type: string | null;
  @ApiProperty({ type: 'string', nullable: true }) resource_id: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'error'] }) outcome: 'success' | 'denied' | 'error';
  @ApiProperty({ type: 'string', nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiProperty({ type: 'string', nullable: true }) request_id: string | null;
}

documents<AuditEventResponse, AuditView>(true);
