import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Request } from 'express';
import { catchError, concatMap, from, Observable } from 'rxjs';
import { transactionOf } from './tenant-connection.provider';

/** Commits the request's transaction before the response is written; rolls it back on any error. */
@Injectable()
export class TransactionInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        await transactionOf(req)?.commit();
        return body;
      }),
      catchError((err: unknown) =>
        from(
          (async () => {
            await transactionOf(req)?.rollback();
            throw err;
          })(),
        ),
      ),
    );
  }
}
