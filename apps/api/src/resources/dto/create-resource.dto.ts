import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateResourceDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Quarterly report' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { color: 'blue' } })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}
