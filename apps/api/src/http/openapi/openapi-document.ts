import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ServerObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { AppConfig } from '@cascade/core';

const TAGS: [string, string][] = [
  ['auth', 'Sign-in, token refresh and sign-out'],
  ['current tenant', 'The caller’s own tenant: its details, its quota, its ownership'],
  ['users', 'The tenant’s users (owner and admins manage; members read)'],
  ['resources', 'The tenant’s resources'],
  ['workrooms', 'The tenant’s workrooms (counted against max_workrooms)'],
  ['files', 'Stored files (counted against max_storage_bytes)'],
  ['audit', 'The tenant’s audit trail (read-only)'],
  ['platform: tenants', 'Platform administration (platform_admin tokens only)'],
  ['operations', 'Health probes (no token)'],
];

/**
 * Where a client sends its requests: this host first (the document is served by the API itself);
 * with BASE_DOMAIN, every tenant's own subdomain.
 */
export function openApiServers(config: AppConfig): ServerObject[] {
  const servers: ServerObject[] = [{ url: '/', description: 'The host that served this document' }];
  if (config.baseDomain) {
    servers.push({
      url: `https://{tenant}.${config.baseDomain}`,
      description: 'A tenant’s subdomain (names the tenant, as X-Tenant-ID would)',
      variables: { tenant: { default: 'acme', description: 'The tenant slug' } },
    });
  }
  return servers;
}

export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('CASCADE API')
    .setDescription(
      [
        'Multi-tenant SaaS backend.',
        '',
        '- Errors: `{statusCode, error, message}` (`ErrorResponse`); branch on `error`, the machine code.',
        '- Lists: `?limit=` (1..100, default 20) and `?cursor=` (opaque); pages are `{items, next_cursor}`.',
        '- Tenant routes answer with `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`; 429 adds `Retry-After`.',
        '- Creating POSTs accept `Idempotency-Key`; a replayed answer carries `Idempotent-Replayed: true`.',
        '- Every answer carries `X-Request-Id`.',
      ].join('\n'),
    )
    .setVersion('2')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /api/auth/login' })
    // the other ways in (contract v2): the same Authorization header, other credentials
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of the configured identity provider (AUTH_JWKS_URL)' },
      'external',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'cas_…', description: 'An API key (POST /api/api-keys)' }, 'api_key');
  for (const server of openApiServers(config)) builder.addServer(server.url, server.description, server.variables);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.info.license = { name: 'UNLICENSED (proprietary)' }; // as package.json says; there is no licence text to link
  return document;
}
