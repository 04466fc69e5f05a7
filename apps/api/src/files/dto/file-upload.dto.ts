import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI only: the multipart form of POST /api/files (the body is streamed, never validated as a DTO). */
export class FileUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file. Its name is kept as metadata only.' })
  file: unknown;
}

/** OpenAPI only: a stored file's metadata. */
export class FileDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: "The client's filename (last path segment, at most 255 characters)" }) filename: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
  @ApiProperty({ example: 'application/pdf' }) content_type: string;
  @ApiProperty({ description: 'Lowercase hex; also the ETag of the content' }) sha256: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
