import { ApiProperty } from '@nestjs/swagger';
import { documents } from '../../http/openapi/wire-shape';
import { TokenPair } from '../sessions.service';

/** A sign-in's tokens: a short-lived access token and a single-use refresh token. */
export class TokenPairResponse {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer …`' }) access_token: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ type: 'integer', example: 900, description: 'Seconds the access token lives' }) expires_in: number;
  @ApiProperty({ description: 'Opaque, single-use: POST /api/auth/refresh spends it for a new pair' }) refresh_token: string;
  @ApiProperty({ type: 'integer', example: 2592000, description: 'Seconds the refresh token lives' }) refresh_expires_in: number;
}

documents<TokenPairResponse, TokenPair>(true);
