import { CallHandler, CanActivate, Controller, Injectable, Module, NestInterceptor, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Observable, tap } from 'rxjs';
import { currentRequestId, forbidden } from '@cascade/core';
import { currentTenantContext } from '@cascade/tenancy';

/** What each stage of one request saw as its request id (keyed by the id the caller sent). */
export const seenByRequest = new Map<string, Record<string, string | undefined>>();

const note = (stage: string) => {
  const id = currentRequestId();
  if (id !== undefined) seenByRequest.set(id, { ...seenByRequest.get(id), [stage]: id });
  return id;
};

@Injectable()
class ProbeGuard implements CanActivate {
  async canActivate(): Promise<boolean> {
    await sleep(1);
    note('guard');
    return true;
  }
}

@Injectable()
class ProbeInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    note('interceptor before');
    return next.handle().pipe(tap(() => note('interceptor after')));
  }
}

/** A test-only route that records, at every stage of the Nest pipeline, the request context it runs in. */
@Controller('test-only/context')
@UseGuards(ProbeGuard)
@UseInterceptors(ProbeInterceptor)
export class ContextProbeController {
  @Post()
  async record(): Promise<{ request_id: string | undefined; tenant_id: string }> {
    await sleep(5);
    return { request_id: note('handler'), tenant_id: currentTenantContext().tenant.id };
  }

  /** A refusal: the exception filter audits it under the request id it finds in the context. */
  @Post('refuse')
  async refuse(): Promise<never> {
    await sleep(5);
    note('handler');
    throw forbidden();
  }
}

@Module({ controllers: [ContextProbeController], providers: [ProbeGuard, ProbeInterceptor] })
export class ContextProbeModule {}
