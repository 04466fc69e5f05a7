import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class TransferOwnershipDto {
  @ApiProperty({ format: 'uuid', description: 'The user who becomes the owner' })
  @IsUUID()
  user_id: string;
}
