import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TokenService } from '@cascade/auth';
import { AppConfig, loadConfig, uuidv7 } from '@cascade/core';
import { LocalDatabase, openLocalDatabase, runMigrations } from '@cascade/database';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './http/configure-app';
import { createAppLogger } from './lifecycle/app-logger';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';
import { assertCanListen, describeStartupFailure } from './lifecycle/startup-error';

let listenAt = { host: '127.0.0.1', port: 3000 };

async function main(): Promise<void> {
  const started = Date.now();
  const logger = new Logger('Cascade');
  let config: AppConfig & { generatedSecret: boolean } = loadConfig();
  listenAt = { host: config.host, port: config.port };
  await assertCanListen(config.host, config.port);
  const appLogger = createAppLogger(config);
  Logger.overrideLogger(appLogger);
  let local: LocalDatabase | undefined;
  if (!config.databaseUrl) {
    local = await openLocalDatabase({ record: true, log: (line) => logger.log(line) });
    config = { ...config, databaseUrl: local.url };
    logger.log(
      local.source === 'running'
        ? `DATABASE_URL is not set: using the embedded PostgreSQL already running on port ${local.port}`
        : `DATABASE_URL is not set: started the embedded PostgreSQL on port ${local.port} (data in ${local.dataDir})`,
    );
  }
  const stopLocal = async () => local?.stop();
  try {
    if (config.migrateOnStart) {
      const { applied } = await runMigrations(config);
      if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
    }
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createHttpAdapter(config), {
      bodyParser: false,
      logger: appLogger,
    });
    configureApp(app, config);
    await app.listen(config.port, config.host);
    installGracefulShutdown(app, { graceMs: config.shutdownGraceMs, onClosed: stopLocal });
    logger.log(`listening on ${config.host}:${config.port} (${Date.now() - started} ms to start)`);
    if (config.nodeEnv !== 'production') printDevelopmentHints(app, config, local);
  } catch (err) {
    await stopLocal().catch(() => undefined);
    throw err;
  }
}

/** What a developer needs next: the CLI's database, a token, a first curl. */
function printDevelopmentHints(app: NestFastifyApplication, config: AppConfig & { generatedSecret: boolean }, local: LocalDatabase | undefined): void {
  const base = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${config.port}`;
  let text = '';
  if (local) {
    text +=
      `\nEmbedded database (recorded in .cascade/pg/server.json; npm run cli and npm run migrate find it without DATABASE_URL):\n\n` +
      `  ${local.url}\n`;
  }
  if (config.generatedSecret) {
    const { access_token } = app.get(TokenService).issue({ sub: uuidv7(), tenantId: null, role: 'platform_admin' });
    text +=
      `\nDevelopment platform-admin token (JWT_SECRET was generated into ./.cascade/jwt-secret):\n\n  ${access_token}\n\n` +
      `Try it:\n\n  curl -s -H "Authorization: Bearer ${access_token}" ${base}/api/tenants\n\n` +
      `A demo tenant with users and data: npm run cli -- demo\n`;
  }
  process.stdout.write(`${text}\nAPI docs: ${base}/docs\n\n`);
}

main().catch((err: unknown) => {
  const { line, expected } = describeStartupFailure(err, listenAt);
  process.stderr.write(`CASCADE failed to start: ${line}\n`);
  if (!expected && err instanceof Error && err.stack && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
