import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { UserView } from '../user.view';

/** Never a password or its hash. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', example: 'ada@acme.example' }) email: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

documents<UserResponse, UserView>(true);
