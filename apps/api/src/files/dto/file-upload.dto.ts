import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI only: the multipart form of POST /api/files (the body is streamed, never validated as a DTO). */
export class FileUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file. Its name is kept as metadata only.' })
  file: unknown;
}
