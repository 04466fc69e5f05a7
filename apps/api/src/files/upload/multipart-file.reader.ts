import busboy from 'busboy';
import { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { DomainError, payloadTooLarge, validationFailed } from '@cascade/core';

export interface FilePart {
  stream: Readable;
  filename: string | undefined;
  mimeType: string;
}

export interface SingleFileOptions {
  field: string;
  maxBytes: number;
}

/** Busboy's own errors ("Unexpected end of form", ...) mean the client sent a broken form. */
const malformed = (err: Error) => (err instanceof DomainError ? err : validationFailed(`Malformed multipart body: ${err.message}`));

/**
 * Reads a multipart/form-data request that carries exactly one file in `field`, handing the
 * file's stream to `onFile` as it arrives (nothing is buffered beyond the streams' own
 * high-water marks). Resolves once the whole form was read and `onFile` finished; rejects with
 * 400 (malformed form, no or several files, client gone) or 413 (file over `maxBytes`) — always
 * only after `onFile` has settled, so the caller can clean up what it started.
 *
 * After a failure the rest of the body is read and discarded: a client still sending then sees
 * the answer instead of a reset connection (node's request timeout bounds how long that lasts).
 */
export function readSingleFile(req: IncomingMessage, opts: SingleFileOptions, onFile: (part: FilePart) => Promise<void>): Promise<void> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // busboy signals 'limit' when a file REACHES fileSize: one byte more lets a file of exactly maxBytes through.
      limits: { files: 1, fileSize: opts.maxBytes + 1, fields: 20, fieldSize: 64 * 1024, parts: 21, headerPairs: 50 },
    });
  } catch {
    return Promise.reject(validationFailed('The body must be multipart/form-data (with a boundary)'));
  }

  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    let receiving: Promise<void> | undefined;
    let part: Readable | undefined;

    const settle = () => {
      const pending = receiving ?? Promise.resolve();
      pending.then(
        () =>
          failure !== undefined
            ? reject(failure)
            : receiving
              ? resolve()
              : reject(validationFailed(`The form has no file in field "${opts.field}"`)),
        (err: unknown) => reject(failure ?? err),
      );
    };

    const fail = (err: unknown) => {
      if (failure !== undefined) return;
      failure = err;
      req.unpipe(parser);
      // Stop a file still streaming (its consumer then fails); one already read needs nothing.
      if (part && !part.readableEnded && !part.destroyed) part.destroy(err as Error);
      // Not from inside busboy's own callback (it still uses its state after emitting).
      setImmediate(() => parser.destroy());
      if (!req.complete && !req.destroyed) req.resume();
      settle();
    };

    parser.on('file', (name, stream, info) => {
      // A file stream's errors (ours, or busboy's "unexpected end") all end up in fail().
      stream.on('error', (err: Error) => fail(malformed(err)));
      if (failure !== undefined || receiving || name !== opts.field) {
        stream.resume();
        if (name !== opts.field) fail(validationFailed(`Unexpected file field "${name}": send the file in field "${opts.field}"`));
        return;
      }
      part = stream;
      stream.once('limit', () => fail(payloadTooLarge(opts.maxBytes)));
      receiving = onFile({ stream, filename: info.filename, mimeType: info.mimeType });
      receiving.catch(fail);
    });
    parser.on('field', (name) => {
      if (name === opts.field) fail(validationFailed(`Field "${opts.field}" must be a file (a part with a filename)`));
    });
    parser.on('filesLimit', () => fail(validationFailed('Send exactly one file per request')));
    parser.on('partsLimit', () => fail(validationFailed('Too many parts in the form')));
    parser.on('fieldsLimit', () => fail(validationFailed('Too many fields in the form')));
    parser.on('error', (err: Error) => fail(malformed(err)));
    parser.on('finish', () => {
      if (failure === undefined) settle();
    });
    req.once('close', () => {
      if (!req.complete) fail(validationFailed('The upload ended before the file was complete'));
    });
    req.once('error', fail);
    req.pipe(parser);
  });
}
