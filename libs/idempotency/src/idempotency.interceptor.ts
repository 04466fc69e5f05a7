import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, concatMap, finalize, from, Observable, of } from 'rxjs';
import { uuidv7 } from '@cascade/core';
import { currentConnection, currentTransaction } from '@cascade/tenancy';
import { IDEMPOTENCY_POLICY } from './idempotency.policy';
import { idempotencyKeyOf, jsonFingerprint, REPLAYED_HEADER, uploadFingerprint } from './idempotency-key';
import { StoredKey } from './idempotency-key.repository';
import { IdempotencyKeys, keyScopeOf, setUploadClaim, UploadClaim } from './idempotency-keys.service';

export const IDEMPOTENCY_MODE = 'cascade:idempotency-mode';
export type IdempotencyMode = 'transaction' | 'upload';

/**
 * Idempotency-Key on a creating POST (see @Idempotent). Runs inside the transaction and audit
 * interceptors and before validation, so:
 * - 'transaction' routes lock and read the key in the request's own transaction and store the
 *   answer in it after the handler: key and change commit together, and a failed request (any
 *   error, validation included) rolls its key back with everything else;
 * - 'upload' routes (streamed, several short transactions) claim the key with a lease first,
 *   complete it in the transaction that publishes the upload, and give it back on failure.
 * A replay rolls the request's transaction back (it only read), so no audit event is written for it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyKeys,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const res = context.switchToHttp().getResponse<FastifyReply>();
    const key = idempotencyKeyOf(req);
    if (key === undefined) return next.handle();
    const mode = this.reflector.get<IdempotencyMode | undefined>(IDEMPOTENCY_MODE, context.getHandler()) ?? 'transaction';
    return mode === 'upload' ? this.upload(req, res, key, next) : this.inTransaction(req, res, key, next);
  }

  private async inTransaction(req: FastifyRequest, res: FastifyReply, key: string, next: CallHandler): Promise<Observable<unknown>> {
    const scope = keyScopeOf();
    const fingerprint = jsonFingerprint(req);
    // The same connection the controller gets: one transaction for key and change.
    const em = await currentConnection().manager();
    const stored = await this.keys.begin(em, scope, key, fingerprint);
    if (stored) {
      await currentTransaction()?.rollback();
      return of(replay(res, stored));
    }
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        await this.keys.remember(em, scope, key, fingerprint, res.statusCode, body);
        return body;
      }),
    );
  }

  private async upload(req: FastifyRequest, res: FastifyReply, key: string, next: CallHandler): Promise<Observable<unknown>> {
    const claim: UploadClaim = { scope: keyScopeOf(), key, fingerprint: uploadFingerprint(req), ownerId: uuidv7(), completed: false };
    const stored = await this.keys.claimForUpload(claim);
    if (stored) return of(replay(res, stored));
    setUploadClaim(claim);
    const renewal = setInterval(() => {
      this.keys.renew(claim).catch((err: Error) => this.logger.warn(`key lease renewal failed (${err.message}); retrying`));
    }, IDEMPOTENCY_POLICY.renewEveryMs);
    renewal.unref();
    const release = () =>
      this.keys.release(claim).catch((err: Error) =>
        // The lease runs out by itself; until then a retry answers 409.
        this.logger.error(`could not release an idempotency key (${err.message}); it frees itself when its lease lapses`),
      );
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        if (!claim.completed) {
          this.logger.error('an upload route succeeded without completing its idempotency key; the key is released');
          await release();
        }
        return body;
      }),
      catchError((err: unknown) =>
        from(
          (async () => {
            await release();
            throw err;
          })(),
        ),
      ),
      finalize(() => clearInterval(renewal)),
    );
  }
}

/** The first answer again: its status, its exact body, and the header saying so. */
function replay(res: FastifyReply, stored: StoredKey): unknown {
  res.status(stored.responseStatus ?? 200);
  res.header(REPLAYED_HEADER, 'true');
  return stored.responseBody === null ? undefined : (JSON.parse(stored.responseBody) as unknown);
}
