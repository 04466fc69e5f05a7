import { randomBytes } from 'node:crypto';
import { DynamicModule, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { TokenService } from '@cascade/auth';
import { AppConfig, parseEnv, uuidv7 } from '@cascade/core';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp, createHttpAdapter } from '../../apps/api/src/http/configure-app';
import { recordRoutes } from './routes';
import { TestDatabase } from './test-database';

export interface TenantSession {
  id: string;
  slug: string;
  ownerId: string;
  ownerEmail: string;
  ownerPassword: string;
  /** Bearer token of the tenant owner, obtained through the real login route. */
  token: string;
  auth: { Authorization: string };
}

export interface TestAppOptions {
  env?: Record<string, string>;
  config?: Partial<AppConfig>;
  /** Extra modules (e.g. a controller that fails on purpose). */
  modules?: Type<unknown>[];
  /** Reuse another app's database (two replicas on one database). */
  database?: TestDatabase;
  /** Drop `database` on close even though it was passed in. */
  ownDatabase?: boolean;
  jwtSecret?: string;
}

/**
 * One real CASCADE app on its own fresh database, plus helpers that create fresh tenants through
 * the API. Nothing is shared between test files, and every test makes its own tenants.
 */
export class TestApp {
  readonly http: ReturnType<typeof request>;
  private readonly ownsDatabase: boolean;

  private constructor(
    readonly app: INestApplication,
    readonly db: TestDatabase,
    readonly config: AppConfig,
    ownsDatabase: boolean,
  ) {
    this.http = request(app.getHttpServer());
    this.ownsDatabase = ownsDatabase;
  }

  static async start(opts: TestAppOptions = {}): Promise<TestApp> {
    const db = opts.database ?? (await TestDatabase.create());
    const env = {
      NODE_ENV: 'test',
      JWT_SECRET: opts.jwtSecret ?? randomBytes(32).toString('hex'),
      DATABASE_URL: db.appUrl,
      MIGRATION_DATABASE_URL: db.adminUrl,
      DB_POOL_SIZE: '5',
      LOG_LEVEL: 'error',
      LOG_REQUESTS: 'false',
      // the event-loop monitor behind them keeps jest workers from exiting; metrics tests turn them on
      METRICS_PROCESS: 'false',
      STORAGE_ROOT: `.cascade/test-storage/${db.name}`,
      ...opts.env,
    };
    const parsed = parseEnv(env);
    const config: AppConfig = { ...parsed, jwtSecret: parsed.jwtSecret as string, ...opts.config };
    @Module({ imports: [AppModule.register(config), ...(opts.modules ?? [])] })
    class TestRootModule {}
    const app = await NestFactory.create<NestFastifyApplication>(TestRootModule as unknown as DynamicModule, createHttpAdapter(config), {
      bodyParser: false,
      logger: process.env.TEST_LOGS ? ['log', 'error', 'warn'] : false,
    });
    recordRoutes(app);
    configureApp(app, config);
    await app.init();
    // supertest and the specs that listen themselves use the bare server: Fastify must be ready first.
    await app.getHttpAdapter().getInstance().ready();
    return new TestApp(app, db, config, opts.database === undefined || opts.ownDatabase === true);
  }

  platformToken(): string {
    return this.app.get(TokenService).issue({ sub: uuidv7(), tenantId: null, role: 'platform_admin' }).access_token;
  }

  get platformAuth() {
    return { Authorization: `Bearer ${this.platformToken()}` };
  }

  /** Creates a tenant with an owner through the platform API and logs the owner in. */
  async createTenant(opts: { slug?: string; plan?: string } = {}): Promise<TenantSession> {
    const slug = opts.slug ?? `t-${randomBytes(5).toString('hex')}`;
    const ownerEmail = `owner@${slug}.example`;
    const ownerPassword = `pw-${randomBytes(8).toString('hex')}`;
    const created = await this.http
      .post('/api/tenants')
      .set(this.platformAuth)
      .send({ name: `Tenant ${slug}`, slug, plan: opts.plan, owner: { email: ownerEmail, password: ownerPassword } });
    if (created.status !== 201) throw new Error(`tenant create failed: ${created.status} ${JSON.stringify(created.body)}`);
    const login = await this.http.post('/api/auth/login').set('X-Tenant-ID', slug).send({ email: ownerEmail, password: ownerPassword });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    const me = JSON.parse(Buffer.from(login.body.access_token.split('.')[1], 'base64url').toString());
    return {
      id: created.body.id,
      slug,
      ownerId: me.sub,
      ownerEmail,
      ownerPassword,
      token: login.body.access_token,
      auth: { Authorization: `Bearer ${login.body.access_token}` },
    };
  }

  /** A token for an arbitrary user of a tenant, signed with this app's key. */
  tokenFor(tenantId: string, role: 'owner' | 'admin' | 'member', sub = uuidv7()): { Authorization: string } {
    return { Authorization: `Bearer ${this.app.get(TokenService).issue({ sub, tenantId, role }).access_token}` };
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsDatabase) await this.db.drop();
  }
}
