import { Injectable } from '@nestjs/common';
import { Request } from 'express';
import { IssuedToken, TokenService, verifyAgainstDummy, verifyPassword } from '@cascade/auth';
import { tenantRequired, tenantSuspended, unauthorized } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { TenantHints } from '@cascade/tenancy';
import { UsersRepository } from '../users/users.repository';
import { LoginDto } from './dto/login.dto';

const badCredentials = () => unauthorized('Invalid email or password');

/** Email + password within the tenant named by X-Tenant-ID or the Host. */
@Injectable()
export class LoginService {
  constructor(
    private readonly hints: TenantHints,
    private readonly runner: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
  ) {}

  async login(req: Request, dto: LoginDto): Promise<IssuedToken> {
    const tenant = await this.hints.resolve(req);
    if (!tenant) throw tenantRequired();
    if (tenant.status === 'suspended') throw tenantSuspended();
    const user = await this.runner.run({ role: 'cascade_tenant', tenantId: tenant.id }, (em) =>
      this.users.findCredentialsByEmail(em, dto.email.trim().toLowerCase()),
    );
    // The same work and the same answer whether the email exists or not.
    const ok = user ? await verifyPassword(dto.password, user.password_hash) : await verifyAgainstDummy(dto.password);
    if (!user || !ok) throw badCredentials();
    return this.tokens.issue({ sub: user.id, tenantId: tenant.id, role: user.role });
  }
}
