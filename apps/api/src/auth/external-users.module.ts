import { Global, Module } from '@nestjs/common';
import { EXTERNAL_USER_DIRECTORY } from '@cascade/auth';
import { ExternalUsersService } from './external-users.service';

/** Gives the auth guard the users behind the identity provider's tokens (AUTH_JWKS_URL). */
@Global()
@Module({
  providers: [ExternalUsersService, { provide: EXTERNAL_USER_DIRECTORY, useExisting: ExternalUsersService }],
  exports: [EXTERNAL_USER_DIRECTORY],
})
export class ExternalUsersModule {}
