import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { CurrentTenantController } from './current-tenant.controller';

@Module({
  imports: [TenantsModule],
  controllers: [CurrentTenantController],
})
export class CurrentTenantModule {}
