import fastifyCors from '@fastify/cors';
import { BadRequestException } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';
import { IncomingMessage, Server } from 'node:http';
import { AppConfig, RequestContext, requestIdFor, runInRequestContext } from '@cascade/core';
import { HttpMetrics } from '@cascade/metrics';
import { createAppLogger, requestLogHook } from '../lifecycle/app-logger';
import { answerClientError } from './client-error';
import { toErrorResponse } from './error-response';
import { parseByteSize, refuseContentEncoding, requestBodyParser } from './json-body.parser';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { rewriteRequestTarget } from './request-target.rewrite';
import { createValidationPipe } from './validation';

/** Fastify routes no path parameter longer than 100 characters by default (a 404): the header limit bounds it instead. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The security headers, computed once by helmet and set on every answer. (@fastify/helmet would
 * rebuild helmet's middleware on every request, and cannot reach the router's own 400 below.)
 */
const securityHeaders = helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'script-src': ["'self'", "'unsafe-inline'"] } } });

/**
 * The HTTP server (Fastify under Nest) as main.ts and the tests create it. Where Fastify's
 * defaults differ from what this API has always answered, they are set to the API's behaviour:
 * a trailing slash and the letter case of a path do not matter, long path parameters reach the
 * route (and its 400), what the router or Node's parser refuse is answered in the contract's shape.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    logger: false,
    // No Nest middleware is used (everything at the edge is a Fastify hook): no middie hook per request.
    skipMiddie: true,
    // Node closes idle keep-alive sockets after 5 s by default: every client then reconnects, and a
    // load balancer with a 60 s idle timeout races the close (sporadic 502s). Stay above it.
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    rewriteUrl: (req: IncomingMessage) => rewriteRequestTarget(req.url ?? '/'),
    clientErrorHandler: answerClientError,
    frameworkErrors: answerUndecodablePath,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: MAX_PARAM_LENGTH },
  });
}

/**
 * A path parameter that is not valid percent-encoding (`/api/resources/%E0`) is refused by the
 * router itself, before any hook or Nest's exception filter: the same 400 in the contract's shape,
 * with the security headers and a request id, instead of Fastify's own body.
 */
function answerUndecodablePath(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const { body } = toErrorResponse(new BadRequestException(error.message));
  securityHeaders(req.raw, reply.raw, () => undefined);
  void reply.header('X-Request-Id', requestIdFor(req.raw)).status(body.statusCode).send(body);
}

/** Everything around the routes that main.ts and the tests must share. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  const server = app.getHttpServer() as Server;
  server.headersTimeout = config.keepAliveTimeoutMs + 1000;
  const fastify = app.getHttpAdapter().getInstance();
  // The edge: every request gets its one request context (and an id: the caller's X-Request-Id
  // when well-formed, echoed back). Fastify runs the later hooks, the body parser, Nest's guards,
  // interceptors, the route and the exception filter as continuations of this call, so all of
  // them run inside the context.
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const context = new RequestContext(requestIdFor(req.raw));
    void reply.header('X-Request-Id', context.requestId);
    // After the other 'finish' listeners (request log, metrics) have read it.
    reply.raw.once('finish', () => setImmediate(() => context.end()));
    runInRequestContext(context, done);
  });
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) =>
    securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
  fastify.addHook('onRequest', app.get(HttpMetrics).onRequest());
  if (config.logRequests) fastify.addHook('onRequest', requestLogHook(createAppLogger(config), config.logFormat));
  fastify.addHook('onRequest', refuseContentEncoding);
  // Our own JSON parser, for every content type: limits and checks run before any recursive code.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', requestBodyParser(parseByteSize(config.jsonBodyLimit)));
  // Closed unless origins are configured (no CORS headers, no preflight route). Registered here,
  // not with app.enableCors() (whose hook runs before all of the above): a preflight is answered
  // with a request id and the security headers too. The methods and the lenient preflight are
  // those of the Express `cors` middleware this API had.
  if (config.corsOrigins.length) {
    void app.register(fastifyCors, {
      origin: config.corsOrigins,
      credentials: false,
      methods: 'GET,HEAD,PUT,PATCH,POST,DELETE',
      strictPreflight: false,
    });
  }
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, config), { jsonDocumentUrl: 'docs/openapi.json' });
}
