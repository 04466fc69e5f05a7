import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Server } from 'node:http';
import { AppConfig, RequestContext, requestIdFor, runInRequestContext } from '@cascade/core';
import { HttpMetrics } from '@cascade/metrics';
import { createAppLogger, requestLogMiddleware } from '../lifecycle/app-logger';
import { answerClientErrors } from './client-error';
import { jsonBody, parseByteSize, refuseContentEncoding } from './json-body.middleware';
import { lowercaseIds } from './lowercase-ids.middleware';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { createValidationPipe } from './validation';

/** Everything around the routes that main.ts and the tests must share. */
export function configureApp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // Node closes idle keep-alive sockets after 5 s by default: every client then reconnects, and a
  // load balancer with a 60 s idle timeout races the close (sporadic 502s). Stay above it.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.keepAliveTimeoutMs + 1000;
  server.requestTimeout = config.requestTimeoutMs;
  answerClientErrors(server);
  express.set('trust proxy', config.trustedProxies.length ? config.trustedProxies : false);
  app.use(lowercaseIds());
  // The edge: every request gets its one request context (and an id: the caller's X-Request-Id
  // when well-formed, echoed back); everything after this runs inside it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const context = new RequestContext(requestIdFor(req));
    res.setHeader('X-Request-Id', context.requestId);
    // After the other 'finish' listeners (request log, metrics) have read it.
    res.once('finish', () => setImmediate(() => context.end()));
    runInRequestContext(context, next);
  });
  app.use(app.get(HttpMetrics).middleware());
  if (config.logRequests) app.use(requestLogMiddleware(createAppLogger(config), config.logFormat));
  // Our own JSON parser (no body-parser): limits and checks run before any recursive code.
  app.use(refuseContentEncoding());
  app.use(jsonBody(parseByteSize(config.jsonBodyLimit)));
  app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'script-src': ["'self'", "'unsafe-inline'"] } } }));
  app.enableCors(config.corsOrigins.length ? { origin: config.corsOrigins, credentials: false } : { origin: false });
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, config), { jsonDocumentUrl: 'docs/openapi.json' });
}
