export * from './audit-details';
export * from './audit-event';
export * from './audit-trail.service';
export * from './audit-commit.participant';
export * from './audit.module';
export * from './audit.repository';
