import { Controller, Module, Post, Query } from '@nestjs/common';
import { currentTenantContext, TenantConnection } from '@cascade/tenancy';
import { ResourcesModule } from '../../apps/api/src/resources/resources.module';
import { ResourcesService } from '../../apps/api/src/resources/resources.service';

/** Routes that exist only in tests: they write through the real services, then fail or stall. */
@Controller('test-only')
export class FailingController {
  constructor(
    private readonly db: TenantConnection,
    private readonly resources: ResourcesService,
  ) {}

  @Post('write-then-fail')
  async writeThenFail(@Query('name') name: string): Promise<never> {
    await this.resources.create(await this.db.manager(), currentTenantContext().tenant.id, { name }, null);
    throw new Error(`boom: SELECT secret FROM cascade.resources WHERE name = '${name}'`);
  }

  @Post('write-then-wait')
  async writeThenWait(@Query('name') name: string, @Query('ms') ms: string) {
    const created = await this.resources.create(await this.db.manager(), currentTenantContext().tenant.id, { name }, null);
    await new Promise((r) => setTimeout(r, Number(ms)));
    return created;
  }
}

@Module({ imports: [ResourcesModule], controllers: [FailingController] })
export class FailingModule {}
