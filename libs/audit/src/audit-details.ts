import { ContextSlot, findRequestContext, requestContext } from '@cascade/core';

/** What a handler may say about its own audit event when the derived defaults do not fit. */
export interface AuditDetails {
  action?: string;
  resourceType?: string;
  resourceId?: string | null;
  /** Platform actions: the tenant the event belongs to. */
  tenantId?: string;
  /** The affected tenant no longer exists (deleted): nothing to write the event under. */
  tenantGone?: boolean;
}

const DETAILS = new ContextSlot<AuditDetails>('audit details');

/** Said by a handler about its own audit event; merged over what it said before. */
export function describeAudit(details: AuditDetails): void {
  const context = requestContext();
  context.set(DETAILS, { ...context.find(DETAILS), ...details });
}

export function auditDetailsOf(): AuditDetails {
  return findRequestContext()?.find(DETAILS) ?? {};
}

const VERBS: Record<string, string> = { GET: 'read', HEAD: 'read', POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/** `resource.create` from `POST /api/resources`, `user.read` from `GET /api/users/:id`, … */
export function deriveAction(method: string, routePath: string | undefined): { action: string; resourceType: string } {
  const segments = (routePath ?? '').split('/').filter((s) => s && s !== 'api' && !s.startsWith(':'));
  const collection = (segments[0] ?? 'request').replace(/-/g, '_');
  const resourceType = collection.endsWith('s') ? collection.slice(0, -1) : collection;
  const sub = segments.slice(1).join('_');
  const verb = VERBS[method] ?? 'call';
  return { action: `${resourceType}.${sub ? `${sub}_${verb}` : verb}`.toLowerCase().replace(/[^a-z_.]/g, '_'), resourceType };
}
