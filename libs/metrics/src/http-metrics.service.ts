import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { keepRequestContext, routeTemplateOf } from '@cascade/core';
import { findTenantContext } from '@cascade/tenancy';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { M } from './metric-names';
import { TenantLabels } from './tenant-labels';

const ACTIVE_WINDOW_MS = 5 * 60_000;

/**
 * Per-request metrics, recorded when the response is done: the route TEMPLATE (never the raw
 * path with ids in it), the tenant label (capped), method and status; plus distinct users per
 * tenant over a sliding five-minute window.
 */
@Injectable()
export class HttpMetrics implements OnModuleDestroy {
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly refresher: NodeJS.Timeout;

  constructor(
    private readonly labels: TenantLabels,
    @InjectMetric(M.requests) private readonly requests: Counter<'tenant_id' | 'endpoint' | 'method' | 'status'>,
    @InjectMetric(M.responseTime) private readonly responseTime: Histogram<'tenant_id' | 'endpoint'>,
    @InjectMetric(M.activeUsers) private readonly activeUsers: Gauge<'tenant_id'>,
  ) {
    this.refresher = setInterval(() => this.refreshActiveUsers(), 15_000);
    this.refresher.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refresher);
  }

  /** A Fastify onRequest hook: the request is recorded once its response has been written. */
  onRequest() {
    return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const started = process.hrtime.bigint();
      reply.raw.once(
        'finish',
        keepRequestContext(() => this.record(req, reply, Number(process.hrtime.bigint() - started) / 1e9)),
      );
      done();
    };
  }

  /** The route template the request matched, or a fixed word: raw URLs never become label values. */
  static endpointOf(req: FastifyRequest): string {
    return routeTemplateOf(req) ?? 'unmatched';
  }

  private record(req: FastifyRequest, res: FastifyReply, seconds: number): void {
    const ctx = findTenantContext();
    const tenant = this.labels.label(ctx?.tenant.id);
    const endpoint = HttpMetrics.endpointOf(req);
    this.requests.inc({ tenant_id: tenant, endpoint, method: req.method, status: String(res.statusCode) });
    this.responseTime.observe({ tenant_id: tenant, endpoint }, seconds);
    const userId = ctx?.principal.userId;
    if (ctx && userId) {
      let users = this.seen.get(tenant);
      if (!users) this.seen.set(tenant, (users = new Map()));
      const isNew = !users.has(userId);
      users.set(userId, Date.now());
      if (isNew) this.activeUsers.set({ tenant_id: tenant }, users.size);
    }
  }

  private refreshActiveUsers(): void {
    const horizon = Date.now() - ACTIVE_WINDOW_MS;
    for (const [tenant, users] of this.seen) {
      for (const [user, at] of users) if (at < horizon) users.delete(user);
      this.activeUsers.set({ tenant_id: tenant }, users.size);
      if (users.size === 0) this.seen.delete(tenant);
    }
  }
}
