import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { concatMap, Observable } from 'rxjs';
import { IS_PUBLIC } from '@cascade/auth';
import { currentTransaction } from '@cascade/tenancy';
import { AuditTrail } from './audit-trail.service';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Runs INSIDE the transaction interceptor: a mutating request that succeeded appends exactly one
 * audit event to its own transaction before it commits — both are written or neither is.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const open = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (!MUTATING.has(req.method) || open) return next.handle();
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        const tx = currentTransaction();
        if (tx && !tx.ended) await this.trail.recordSuccess(req, tx, result);
        return result;
      }),
    );
  }
}
