import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { FileView } from '../file.view';

/** A stored file's metadata. */
export class FileResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: "The client's filename (last path segment, at most 255 characters); metadata only" }) filename: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes' }) size: number;
  @ApiProperty({ example: 'application/pdf' }) content_type: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Lowercase hex; also the ETag of the content' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

documents<FileResponse, FileView>(true);
