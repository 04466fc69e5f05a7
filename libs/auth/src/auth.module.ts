import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { ApiKeyVerifier } from './api-keys/api-key.verifier';
import { ExternalTokenVerifier } from './external/external-token.verifier';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { RolesGuard } from './roles.guard';
import { TokenService } from './token.service';
import { PrincipalRegistry } from './sessions/principal-registry';

@Global()
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig) => ({
        secret: cfg.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: cfg.jwtExpiresInSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  // PRINCIPAL_NUDGE comes from libs/cache (Redis pub/sub), or any PrincipalNudge;
  // EXTERNAL_USER_DIRECTORY from the app, which owns users and their quota.
  providers: [JwtStrategy, JwtAuthGuard, RolesGuard, TokenService, PrincipalRegistry, ApiKeyVerifier, ExternalTokenVerifier],
  exports: [JwtAuthGuard, RolesGuard, TokenService, PrincipalRegistry],
})
export class AuthModule {}
