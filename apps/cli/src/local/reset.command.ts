import { rmSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { AppConfig } from '@cascade/core';
import { resetLocalDatabase } from '@cascade/database';
import { confirm } from './confirm';

export const RESET_USAGE = `  reset [--yes]                    delete the LOCAL embedded database and ./.cascade/storage
                                   (never a DATABASE_URL); asks first unless --yes
`;

/** The local files a reset removes: the embedded data, and the storage root when it is inside ./.cascade. */
export async function runResetCommand(
  args: string[],
  config: AppConfig,
  io: { stdin: NodeJS.ReadableStream & { isTTY?: boolean }; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const unknown = args.filter((a) => a !== '--yes');
  if (unknown.length > 0) {
    io.stderr.write(`unknown option ${unknown[0]}\nusage:\n${RESET_USAGE}`);
    return 1;
  }
  if (config.databaseUrl || config.migrationDatabaseUrl) {
    io.stderr.write('reset only deletes the local embedded database, and DATABASE_URL is set: nothing was deleted (unset it to reset the local data)\n');
    return 1;
  }
  const cascadeDir = resolve('.cascade');
  const storage = resolve(config.storageRoot);
  const storageIsLocal = config.storageDriver === 'local' && storage.startsWith(cascadeDir + sep);
  const what = `the local embedded database${storageIsLocal ? ` and the files in ./${relative('.', storage)}` : ''}`;
  if (!args.includes('--yes') && !(await confirm(`Delete ${what}? Every local tenant, user and file is lost.`, io))) {
    io.stderr.write(`Nothing was deleted. To delete ${what}: npm run cli -- reset --yes\n`);
    return 1;
  }
  const removed = await resetLocalDatabase();
  if (storageIsLocal) {
    rmSync(storage, { recursive: true, force: true });
    removed.push(storage);
  }
  io.stdout.write(
    removed.length > 0
      ? `Deleted ${what}. The next npm start creates a fresh, empty database.\n`
      : 'Nothing to delete: there is no local embedded data yet.\n',
  );
  return 0;
}
