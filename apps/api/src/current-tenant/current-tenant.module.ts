import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { CurrentTenantController } from './current-tenant.controller';

@Module({
  imports: [TenantsModule, UsersModule],
  controllers: [CurrentTenantController],
})
export class CurrentTenantModule {}
