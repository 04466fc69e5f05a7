import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { TokenService } from '@cascade/auth';
import { ConfigError, loadConfig, uuidv7 } from '@cascade/core';
import { EmbeddedDatabase, runMigrations, startEmbeddedPostgres } from '@cascade/database';
import { AppModule } from './app.module';
import { configureApp } from './http/configure-app';
import { createAppLogger } from './lifecycle/app-logger';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';

async function main(): Promise<void> {
  const started = Date.now();
  const logger = new Logger('Cascade');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const appLogger = createAppLogger(config);
  Logger.overrideLogger(appLogger);
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    logger.log('DATABASE_URL is not set: starting the embedded PostgreSQL under ./.cascade/pg');
    embedded = await startEmbeddedPostgres();
    config = { ...config, databaseUrl: embedded.url };
  }
  const stopEmbedded = async () => embedded?.stop();
  try {
    if (config.migrateOnStart) {
      const { applied } = await runMigrations(config);
      if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
    }
    const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bodyParser: false, logger: appLogger });
    configureApp(app, config);
    installGracefulShutdown(app, { graceMs: config.shutdownGraceMs, onClosed: stopEmbedded });
    await app.listen(config.port);
    logger.log(`listening on :${config.port} (${Date.now() - started} ms to start)`);
    if (config.generatedSecret && config.nodeEnv !== 'production') {
      const { access_token } = app.get(TokenService).issue({ sub: uuidv7(), tenantId: null, role: 'platform_admin' });
      process.stdout.write(
        `\nDevelopment platform-admin token (JWT_SECRET was generated into ./.cascade/jwt-secret):\n\n  ${access_token}\n\n` +
          `Try it:\n\n  curl -s -H "Authorization: Bearer ${access_token}" http://localhost:${config.port}/api/tenants\n\n` +
          `API docs: http://localhost:${config.port}/docs\n\n`,
      );
    }
  } catch (err) {
    await stopEmbedded().catch(() => undefined);
    throw err;
  }
}

main().catch((err) => {
  process.stderr.write(`CASCADE failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
