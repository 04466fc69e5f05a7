import { Global, Module } from '@nestjs/common';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';
import { AuditTrail } from './audit-trail.service';

@Global()
@Module({
  providers: [AuditRepository, AuditTrail, AuditInterceptor],
  exports: [AuditRepository, AuditTrail, AuditInterceptor],
})
export class AuditModule {}
