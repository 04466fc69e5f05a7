import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditTrail } from '@cascade/audit';
import { verifyAgainstDummy, verifyPassword } from '@cascade/auth';
import { tenantRequired, tenantSuspended, unauthorized } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { TenantHints } from '@cascade/tenancy';
import { UsersRepository } from '../users/users.repository';
import { LoginDto } from './dto/login.dto';
import { LoginThrottle } from './login-throttle.service';
import { SessionsService, TokenPair } from './sessions.service';

const badCredentials = () => unauthorized('Invalid email or password');

/** Email + password within the tenant named by X-Tenant-ID or the Host; starts a sign-in. */
@Injectable()
export class LoginService {
  constructor(
    private readonly hints: TenantHints,
    private readonly runner: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditTrail,
  ) {}

  async login(req: FastifyRequest, dto: LoginDto): Promise<TokenPair> {
    const tenant = await this.hints.resolve(req);
    if (!tenant) throw tenantRequired();
    if (tenant.status === 'suspended') throw tenantSuspended();
    const email = dto.email.trim().toLowerCase();
    await this.throttle.reserve(tenant.id, email); // before the slow hash: parallel guesses included
    const user = await this.runner.run({ role: 'cascade_tenant', tenantId: tenant.id }, (em) =>
      this.users.findCredentialsByEmail(em, tenant.id, email),
    );
    // The same work, the same answer and the same audit event whether the email exists or not.
    const ok = user ? await verifyPassword(dto.password, user.password_hash) : await verifyAgainstDummy(dto.password);
    if (!user || !ok) {
      await this.audit.recordLogin(req, tenant.id, null, 'denied');
      throw badCredentials();
    }
    await this.throttle.succeeded(tenant.id, email);
    await this.audit.recordLogin(req, tenant.id, user.id, 'success');
    return this.sessions.start(tenant.id, user);
  }
}
