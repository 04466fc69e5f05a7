import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { WorkroomView } from '../workroom.view';

export class WorkroomResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Design review' }) name: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The user who created it (null for gateway requests)' })
  created_by: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

documents<WorkroomResponse, WorkroomView>(true);
