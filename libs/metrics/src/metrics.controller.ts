import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@cascade/auth';
import { APP_CONFIG, AppConfig, unauthorized } from '@cascade/core';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Prometheus text at GET /metrics; with METRICS_TOKEN set, only `Authorization: Bearer <token>` may read it. */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  @Get()
  override index(@Res({ passthrough: true }) response: FastifyReply, @Req() req?: FastifyRequest) {
    const token = this.config.metricsToken;
    if (token) {
      const given = (req?.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      if (!sameSecret(given, token)) throw unauthorized('Metrics need the METRICS_TOKEN bearer token');
    }
    return super.index(response);
  }
}
