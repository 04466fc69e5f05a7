export type AuditOutcome = 'success' | 'denied' | 'error';

export interface AuditEvent {
  tenantId: string;
  actorId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditView {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  request_id: string | null;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  since?: Date;
  until?: Date;
  before?: string;
  limit: number;
}
