import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'CI deploy' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ['admin', 'member'], description: 'Only the owner may mint an admin key' })
  @IsIn(['admin', 'member'])
  role: 'admin' | 'member';

  @ApiPropertyOptional({ format: 'date-time', description: 'After it the key is refused; absent: until deleted' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expires_at?: string;
}
