import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { pendingMigrations, TransactionRunner } from '@cascade/database';

/** Ready only when every migration the code knows is applied to the database. */
@Injectable()
export class MigrationsHealthIndicator {
  private allApplied = false;

  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly runner: TransactionRunner,
    private readonly dataSource: DataSource,
  ) {}

  async check(key: string) {
    const i = this.indicator.check(key);
    if (this.allApplied) return i.up();
    try {
      const pending = await this.runner.run({ role: 'cascade_platform' }, (em) => pendingMigrations(em, this.dataSource.migrations));
      this.allApplied = pending.length === 0;
      return this.allApplied ? i.up() : i.down({ pending });
    } catch {
      return i.down({ message: 'cannot read migrations' });
    }
  }
}
