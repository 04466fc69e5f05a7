import { Client } from 'pg';
import { EmbeddedDatabase } from '../../libs/database/src/embedded-postgres';
import { adminUrl, databasePrefix, templateName } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`, [
      `${databasePrefix()}%`,
      templateName(),
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const embedded = (globalThis as Record<string, unknown>).__cascadeEmbedded as EmbeddedDatabase | undefined;
  await embedded?.stop();
}
