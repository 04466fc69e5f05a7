import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Public } from '@cascade/auth';
import { LoginDto } from './dto/login.dto';
import { LoginService } from './login.service';

@ApiTags('auth')
@Controller('api/auth')
export class LoginController {
  constructor(private readonly login: LoginService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Tenant-ID', required: false, description: 'Tenant id or slug (or use the tenant subdomain)' })
  run(@Req() req: Request, @Body() dto: LoginDto) {
    return this.login.login(req, dto);
  }
}
