import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { ContextIdFactory, ModuleRef } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, from, Observable } from 'rxjs';
import { COMMIT_PARTICIPANT, CommitParticipant } from './commit-participant';
import { bindTenantConnection, currentTransaction, TenantConnection } from './tenant-connection.provider';

/**
 * The edge of the database work: resolves the request-scoped TenantConnection once per request
 * (the only request-scoped provider; controllers and services stay singletons) into the request
 * context, lets the commit participant (the audit trail) add its statement, commits the request's
 * transaction before the response is written, and rolls it back on any error.
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(COMMIT_PARTICIPANT) private readonly participant?: CommitParticipant,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const contextId = ContextIdFactory.getByRequest(req);
    this.moduleRef.registerRequestByContextId(req, contextId);
    const connection = await this.moduleRef.resolve(TenantConnection, contextId, { strict: false });
    connection.abandonWhenClosed(http.getResponse<FastifyReply>().raw);
    bindTenantConnection(connection);
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        const tx = currentTransaction();
        if (!tx) return body;
        if (this.participant && !tx.ended) await this.participant.beforeCommit(context, body, tx);
        await tx.commit();
        return body;
      }),
      catchError((err: unknown) =>
        from(
          (async () => {
            await currentTransaction()?.rollback();
            throw err;
          })(),
        ),
      ),
    );
  }
}
