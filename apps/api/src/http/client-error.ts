import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { ErrorCode } from '@cascade/core';

function answerFor(code: string | undefined): { status: number; error: ErrorCode; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, error: 'header_too_large', message: 'The request headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, error: 'request_timeout', message: 'The request took too long to arrive' };
    default:
      return { status: 400, error: 'bad_request', message: 'Malformed HTTP request' };
  }
}

/**
 * What Node's HTTP parser refuses before the app runs (a 64 KB header, raw bytes in the request
 * line, a broken chunk) is answered in the contract's JSON shape with a request id, instead of
 * Node's empty-bodied default. The connection is closed: after a parse error the stream cannot
 * be trusted to carry another request. Installed as Fastify's `clientErrorHandler`, in place of
 * its own (a JSON body of another shape).
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inResponse = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (err.code === 'ECONNRESET' || !socket.writable || inResponse) {
    socket.destroy();
    return;
  }
  const { status, error, message } = answerFor(err.code);
  const body = JSON.stringify({ statusCode: status, error, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${randomUUID()}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
