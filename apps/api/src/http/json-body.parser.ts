import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { DomainError, validationFailed } from '@cascade/core';

/** Deeper than any body this API takes (resource `data` included); checked before parsing. */
export const MAX_JSON_DEPTH = 32;
/** Keys that name JavaScript's prototype machinery are refused anywhere in a body. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** A UTF-16 code unit of a surrogate pair standing alone: not a Unicode string. */
const LONE_SURROGATE = /\p{Cs}/u;

const unsupported = (message: string) => new DomainError(415, 'unsupported_media_type', message);
const tooLarge = (limit: number) => new DomainError(413, 'payload_too_large', `The request body exceeds the limit of ${limit} bytes`);

/** `100kb`, `1mb`, `512` (bytes) → bytes. */
export function parseByteSize(value: string, variable = 'JSON_BODY_LIMIT'): number {
  const m = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!m) throw new Error(`${variable} must be a size such as 100kb or 1mb`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Number(m[1]) * unit;
}

/**
 * Request bodies travel uncompressed: a compressed body would have to be inflated before its
 * size is known (a zip bomb needs a second limit, after decompression), and no client of this
 * API needs it. So any Content-Encoding but `identity` is a 415 on every route, before
 * authentication, before a byte of the body is read.
 */
export function refuseContentEncoding(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined) return done();
  const codings = encoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  if (codings.every((c) => c === 'identity')) return done();
  done(unsupported('Content-Encoding is not supported: send the request body uncompressed'));
}

function isJson(headers: IncomingHttpHeaders): boolean {
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Nesting depth of a JSON text, by counting brackets outside strings: linear, no recursion, so
 * 5,000 levels cost a scan and a 400 rather than a stack overflow later (class-transformer and
 * class-validator recurse).
 */
export function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The first problem in a parsed body (depth already bounded), or null. */
export function findUnsafeContent(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return 'A string in the body is not valid Unicode (unpaired surrogate)';
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) return `"${key}" is not allowed as a key`;
        if (LONE_SURROGATE.test(key)) return 'A key in the body is not valid Unicode (unpaired surrogate)';
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return null;
}

type ParserDone = (err: Error | null, body?: unknown) => void;

/**
 * The one body parser (Fastify's own are removed; GET and HEAD bodies are never parsed). JSON
 * bodies are read here; any other body — a multipart upload above all — is left unread for the
 * route to stream from the raw request, as no parser touched it under Express either.
 */
export function requestBodyParser(limitBytes: number) {
  return (req: FastifyRequest, payload: IncomingMessage, done: ParserDone): void => {
    if (!isJson(req.headers)) return done(null, undefined);
    // done() is called from the stream's 'end' event; Fastify binds it to the request's async
    // context itself, so the request context is still there when the route runs.
    readJson(payload, limitBytes, done);
  };
}

/**
 * The JSON body reader. Everything that could make a hostile body expensive or crash later code
 * is decided here, before any recursive code sees it: the size (while reading), UTF-8 validity,
 * the nesting depth (before JSON.parse), prototype keys and unpaired surrogates (after).
 */
function readJson(req: IncomingMessage, limitBytes: number, next: ParserDone): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(req.headers['content-type']))?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return next(unsupported('JSON bodies must be UTF-8'));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return next(tooLarge(limitBytes));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (err?: Error) => {
    if (done) return;
    done = true;
    req.off('data', onData);
    if (err) {
      req.resume(); // discard the rest
      return next(err);
    }
    let body: unknown;
    try {
      body = parse(Buffer.concat(chunks, size));
    } catch (e) {
      return next(e as Error);
    }
    next(null, body);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limitBytes) return finish(tooLarge(limitBytes));
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.once('end', () => finish());
  req.once('error', () => finish(validationFailed('The request body could not be read')));
}

function parse(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw validationFailed('The request body is not valid UTF-8');
  }
  if (exceedsDepth(text, MAX_JSON_DEPTH)) throw validationFailed(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw validationFailed('Malformed JSON body');
  }
  const problem = findUnsafeContent(value);
  if (problem) throw validationFailed(problem);
  return value;
}
