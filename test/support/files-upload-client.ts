import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { AddressInfo, Server } from 'node:net';

export interface StreamedUpload {
  /** Bytes of file content to send (generated, never held whole in memory). */
  size: number;
  headers: Record<string, string>;
  filename?: string;
  contentType?: string;
  /** Send without Content-Length (chunked transfer encoding). */
  chunked?: boolean;
  /** Stop after this many file bytes and wait for `resume()` (from `onPause`). */
  pauseAfter?: number;
  onPause?: (resume: () => void, abort: () => void) => void;
}

export interface StreamedUploadResult {
  status: number | null;
  body: Record<string, unknown> | null;
  /** sha256 of the file bytes that were sent (lowercase hex). */
  sha256: string;
  sent: number;
  aborted: boolean;
}

const CHUNK = 64 * 1024;
const BOUNDARY = '----cascade-test-boundary-7d1f0a';

/** The app's HTTP server listening on a free port (supertest keeps working against it). */
export async function listeningPort(server: Server): Promise<number> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * POSTs a multipart/form-data body with one file of `size` bytes to /api/files, generating the
 * bytes as it goes (64 KiB at a time, honouring backpressure), so a test can send hundreds of MB
 * without holding them. Can pause mid-file and then resume or abort (a client that disconnects).
 */
export function streamUpload(port: number, opts: StreamedUpload): Promise<StreamedUploadResult> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename ?? 'big.bin'}"\r\n` +
      `Content-Type: ${opts.contentType ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const block = randomBytes(CHUNK);
  const hash = createHash('sha256');
  const headers: Record<string, string> = { ...opts.headers, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
  if (!opts.chunked) headers['Content-Length'] = String(head.length + opts.size + tail.length);

  return new Promise((resolve, reject) => {
    let sent = 0;
    let aborted = false;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/files', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? null, body: text ? JSON.parse(text) : null, sha256: hash.digest('hex'), sent, aborted });
      });
    });
    req.on('error', (err) => {
      if (aborted) resolve({ status: null, body: null, sha256: hash.digest('hex'), sent, aborted });
      else reject(err);
    });
    const abort = () => {
      aborted = true;
      req.destroy();
    };
    let paused = false;
    const pump = () => {
      while (sent < opts.size) {
        if (opts.pauseAfter !== undefined && !paused && sent >= opts.pauseAfter) {
          paused = true;
          opts.onPause?.(pump, abort);
          return;
        }
        const n = Math.min(CHUNK, opts.size - sent, opts.pauseAfter !== undefined && !paused ? opts.pauseAfter - sent : CHUNK);
        const chunk = n === CHUNK ? block : block.subarray(0, n);
        hash.update(chunk);
        sent += n;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    req.write(head);
    pump();
  });
}
