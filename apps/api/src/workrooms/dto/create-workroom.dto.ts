import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateWorkroomDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Design review' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}
