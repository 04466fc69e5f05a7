import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';
import { LoginThrottle } from './login-throttle.service';
import { SessionsService } from './sessions.service';

@Module({
  imports: [UsersModule],
  controllers: [LoginController],
  providers: [LoginService, LoginThrottle, SessionsService],
  exports: [SessionsService],
})
export class LoginModule {}
