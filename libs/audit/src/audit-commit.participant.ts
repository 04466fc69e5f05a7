import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC } from '@cascade/auth';
import { ScopedTransaction } from '@cascade/database';
import { CommitParticipant } from '@cascade/tenancy';
import { AuditTrail } from './audit-trail.service';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Joins the transaction interceptor right before COMMIT: a mutating request that succeeded
 * appends exactly one audit event to its own transaction, sent in the same pipeline as COMMIT —
 * both are written or neither is. (Not an interceptor of its own: one interceptor per request.)
 */
@Injectable()
export class AuditCommitParticipant implements CommitParticipant {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  async beforeCommit(context: ExecutionContext, result: unknown, tx: ScopedTransaction): Promise<void> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!MUTATING.has(req.method)) return;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return;
    await this.trail.recordSuccess(req, tx, result);
  }
}
