import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last login or refresh (single use)', example: 'crt_…' })
  @IsString()
  @MaxLength(200)
  refresh_token: string;
}
