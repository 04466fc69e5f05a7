import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@cascade/auth';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { CitusHealthIndicator } from './citus.health';
import { LivenessResponse, ReadinessResponse } from './dto/health-response.dto';
import { MigrationsHealthIndicator } from './migrations.health';
import { RedisHealthIndicator } from './redis.health';
import { ShutdownState } from './shutdown.state';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly citus: CitusHealthIndicator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The process serves. No dependency checks: a database outage must not restart every pod. */
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperationDoc({ access: 'public', summary: 'Liveness: the process serves', ok: LivenessResponse })
  live() {
    return this.health.check([]);
  }

  /**
   * Ready for traffic: not draining, database reachable, migrations applied. Redis is reported
   * (`redis: up | degraded | not_configured`) but is not a condition: every request is served
   * from the database while it is away, and every replica shares the same Redis, so failing
   * readiness on it would take every pod out of the Service at once — a full outage made out
   * of a degraded one.
   */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperationDoc({
    access: 'public',
    summary: 'Readiness: not draining, database reachable, migrations applied',
    description:
      'Redis is reported (`redis`), never a condition. With DB_MODE=citus, `citus` requires the Citus settings and reports the workers reached. 503 `unavailable` names the failing checks in `checks`.',
    ok: ReadinessResponse,
  })
  async ready() {
    const result = await this.health.check([
      () => this.shutdown.check('draining'),
      () => this.db.pingCheck('database', { timeout: 1000 }),
      () => this.migrations.check('migrations'),
      ...(this.config.dbMode === 'citus' ? [() => this.citus.check('citus')] : []),
    ]);
    return { ...result, redis: this.redis.state() };
  }
}
