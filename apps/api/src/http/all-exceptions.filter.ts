import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Response } from 'express';
import { toErrorResponse } from './error-response';

/** The one place errors become HTTP answers. Unexpected ones are logged server-side only. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { body, headers, unexpected } = toErrorResponse(exception);
    if (unexpected) {
      const e = exception as Error;
      this.logger.error(`${body.statusCode} ${e?.name ?? 'Error'}: ${e?.message ?? String(exception)}`, body.statusCode >= 500 ? e?.stack : undefined);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(body.statusCode).json(body);
  }
}
