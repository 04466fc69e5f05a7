import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CitusHealthIndicator } from './citus.health';
import { HealthController } from './health.controller';
import { MigrationsHealthIndicator } from './migrations.health';
import { RedisHealthIndicator } from './redis.health';
import { ShutdownState } from './shutdown.state';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
  controllers: [HealthController],
  providers: [CitusHealthIndicator, MigrationsHealthIndicator, RedisHealthIndicator, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
