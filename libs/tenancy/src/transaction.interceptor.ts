import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ContextIdFactory, ModuleRef } from '@nestjs/core';
import { Request } from 'express';
import { catchError, concatMap, from, Observable } from 'rxjs';
import { bindTenantConnection, currentTransaction, TenantConnection } from './tenant-connection.provider';

/**
 * The edge of the database work: resolves the request-scoped TenantConnection once per request
 * (the only request-scoped provider; controllers and services stay singletons) into the request
 * context, commits the request's transaction before the response is written, and rolls it back
 * on any error.
 */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  constructor(private readonly moduleRef: ModuleRef) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request>();
    const contextId = ContextIdFactory.getByRequest(req);
    this.moduleRef.registerRequestByContextId(req, contextId);
    bindTenantConnection(await this.moduleRef.resolve(TenantConnection, contextId, { strict: false }));
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        await currentTransaction()?.commit();
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
