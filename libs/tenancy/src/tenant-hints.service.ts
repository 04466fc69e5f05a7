import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, isUuid, tenantMismatch, tenantNotFound, validationFailed } from '@cascade/core';
import { TenantDirectory } from './tenant-directory.service';
import { RESERVED_SLUGS, TenantRecord } from './tenant-record';

const SLUG_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reads the two hints that may name a tenant besides the token: the X-Tenant-ID header
 * (uuid or slug) and the Host (<slug>.<BASE_DOMAIN> or a custom domain). Hints never grant
 * anything; they must agree with each other and with the token.
 */
@Injectable()
export class TenantHints {
  constructor(
    private readonly directory: TenantDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The tenant the hints name, or null when none names one. Unknown → 404; disagreement → 403. */
  async resolve(req: FastifyRequest): Promise<TenantRecord | null> {
    const fromHeader = await this.fromHeader(req);
    const fromHost = await this.fromHost(req);
    if (fromHeader && fromHost && fromHeader.id !== fromHost.id) throw tenantMismatch();
    return fromHeader ?? fromHost;
  }

  private async fromHeader(req: FastifyRequest): Promise<TenantRecord | null> {
    const raw = req.headers['x-tenant-id'];
    if (raw === undefined) return null;
    const value = (Array.isArray(raw) ? raw[0] : raw).trim().toLowerCase();
    let found: TenantRecord | null;
    if (isUuid(value)) found = await this.directory.findById(value);
    else if (SLUG_RE.test(value)) found = await this.directory.findBySlug(value);
    else throw validationFailed('X-Tenant-ID must be a tenant id (uuid) or slug');
    if (!found) throw tenantNotFound();
    return found;
  }

  private async fromHost(req: FastifyRequest): Promise<TenantRecord | null> {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (!host || host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[')) return null;
    const base = this.config.baseDomain;
    if (base && host === base) return null;
    if (base && host.endsWith(`.${base}`)) {
      const label = host.slice(0, -(base.length + 1));
      if (RESERVED_SLUGS.includes(label)) return null;
      const found = SLUG_RE.test(label) ? await this.directory.findBySlug(label) : null;
      if (!found) throw tenantNotFound();
      return found;
    }
    // Any other host may be a tenant's custom domain; if it is not, it names nobody.
    return this.directory.findByDomain(host);
  }
}
