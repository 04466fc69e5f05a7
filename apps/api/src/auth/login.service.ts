import { Injectable } from '@nestjs/common';
import { Request } from 'express';
import { AuditTrail } from '@cascade/audit';
import { IssuedToken, TokenService, verifyAgainstDummy, verifyPassword } from '@cascade/auth';
import { tenantRequired, tenantSuspended, unauthorized } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { TenantHints } from '@cascade/tenancy';
import { UsersRepository } from '../users/users.repository';
import { LoginDto } from './dto/login.dto';
import { LoginThrottle } from './login-throttle.service';

const badCredentials = () => unauthorized('Invalid email or password');

/** Email + password within the tenant named by X-Tenant-ID or the Host. */
@Injectable()
export class LoginService {
  constructor(
    private readonly hints: TenantHints,
    private readonly runner: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditTrail,
  ) {}

  async login(req: Request, dto: LoginDto): Promise<IssuedToken> {
    const tenant = await this.hints.resolve(req);
    if (!tenant) throw tenantRequired();
    if (tenant.status === 'suspended') throw tenantSuspended();
    const email = dto.email.trim().toLowerCase();
    await this.throttle.assertAllowed(tenant.id, email);
    const user = await this.runner.run({ role: 'cascade_tenant', tenantId: tenant.id }, (em) =>
      this.users.findCredentialsByEmail(em, email),
    );
    // The same work, the same answer and the same audit event whether the email exists or not.
    const ok = user ? await verifyPassword(dto.password, user.password_hash) : await verifyAgainstDummy(dto.password);
    if (!user || !ok) {
      await this.throttle.recordFailure(tenant.id, email);
      await this.audit.recordLogin(req, tenant.id, null, 'denied');
      throw badCredentials();
    }
    await this.throttle.reset(tenant.id, email);
    await this.audit.recordLogin(req, tenant.id, user.id, 'success');
    return this.tokens.issue({ sub: user.id, tenantId: tenant.id, role: user.role });
  }
}
