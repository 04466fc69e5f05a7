import { Global, Module } from '@nestjs/common';
import { COMMIT_PARTICIPANT } from '@cascade/tenancy';
import { AuditCommitParticipant } from './audit-commit.participant';
import { AuditRepository } from './audit.repository';
import { AuditTrail } from './audit-trail.service';

@Global()
@Module({
  providers: [AuditRepository, AuditTrail, AuditCommitParticipant, { provide: COMMIT_PARTICIPANT, useExisting: AuditCommitParticipant }],
  exports: [AuditRepository, AuditTrail, COMMIT_PARTICIPANT],
})
export class AuditModule {}
