import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditTrail } from '@cascade/audit';
import { toErrorResponse } from './error-response';

/** Refusals that are worth an audit event: someone tried something they may not do. */
const AUDITED_REFUSALS = new Set([403, 404, 429]);

/** The one place errors become HTTP answers. Unexpected ones are logged server-side only. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly audit: AuditTrail) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const res = host.switchToHttp().getResponse<FastifyReply>();
    const { body, headers, unexpected } = toErrorResponse(exception);
    // A client that went away mid-request ends its transaction (rolled back); not a server fault.
    const clientGone = req.raw.socket?.destroyed === true || res.raw.destroyed;
    if (unexpected && clientGone) {
      this.logger.debug?.(`client went away: ${(exception as Error)?.message ?? String(exception)}`);
    } else if (unexpected) {
      const e = exception as Error;
      this.logger.error(
        `${body.statusCode} ${e?.name ?? 'Error'}: ${e?.message ?? String(exception)}`,
        body.statusCode >= 500 ? e?.stack : undefined,
      );
    }
    const respond = () => {
      if (res.sent || res.raw.headersSent) {
        res.raw.destroy();
        return;
      }
      void res.headers(headers).status(body.statusCode).send(body);
    };
    if (!AUDITED_REFUSALS.has(body.statusCode)) return respond();
    this.audit.recordDenied(req, body.error).then(respond, respond);
  }
}
