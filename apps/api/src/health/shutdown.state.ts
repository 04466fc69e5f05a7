import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Flipped on SIGTERM so readiness fails first and the load balancer stops sending traffic. */
@Injectable()
export class ShutdownState {
  draining = false;

  constructor(private readonly indicator: HealthIndicatorService) {}

  check(key: string) {
    const i = this.indicator.check(key);
    return this.draining ? i.down({ message: 'shutting down' }) : i.up();
  }
}
