import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ListQueryDto } from '@cascade/core';

export class SearchResourcesDto extends ListQueryDto {
  @ApiProperty({ description: 'Case-insensitive name prefix', example: 'Quart' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q: string;
}
