import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { ResourceView } from '../resource.view';

export class ResourceResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Quarterly report' }) name: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Any JSON object ({} when none was given)' })
  data: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

documents<ResourceResponse, ResourceView>(true);
