import { mkdirSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '@cascade/core';
import { TestDatabase } from '../support/test-database';
import { cliConfig, copyExport, readManifest, removeAll, runCli, SAMPLE_EXPORT, tempDir, tenantSnapshot } from './cli-harness';

/** A customer export is hostile input: no link is followed; what we write is ours alone. */
describe('tenant import/export and the file system', () => {
  let db: TestDatabase;
  let tmp: string;
  let config: AppConfig;

  beforeAll(async () => {
    db = await TestDatabase.create();
    tmp = tempDir();
    config = cliConfig(db, join(tmp, 'storage'));
  });
  afterAll(async () => {
    await db.drop();
    removeAll(tmp);
  });

  it.each([
    ['a file entry that is a symlink to a file outside the export', 'file'],
    ['a file entry under a symlinked folder', 'folder'],
    ['a collection file that is a symlink', 'collection'],
  ])('refuses %s: a validation problem naming it, nothing written', async (_, kind) => {
    const source = copyExport(SAMPLE_EXPORT, tmp);
    const secret = join(tmp, `secret-${kind}`);
    mkdirSync(secret, { recursive: true });
    writeFileSync(join(secret, 'logo.png'), 'not yours');
    if (kind === 'file') {
      renameSync(join(source, 'attachments', 'logo.png'), join(tmp, `moved-${kind}.png`));
      symlinkSync(join(secret, 'logo.png'), join(source, 'attachments', 'logo.png'));
    } else if (kind === 'folder') {
      renameSync(join(source, 'attachments'), join(secret, 'attachments'));
      symlinkSync(join(secret, 'attachments'), join(source, 'attachments'));
    } else {
      renameSync(join(source, 'users.ndjson'), join(secret, 'users.ndjson'));
      symlinkSync(join(secret, 'users.ndjson'), join(source, 'users.ndjson'));
    }
    const run = await runCli(['import', source, '--json'], config);
    expect(run.code).toBe(1);
    expect(JSON.stringify(run.json)).toMatch(/symbolic link/);
    expect(await tenantSnapshot(db, readManifest(source).slug)).toBeNull();
  });

  it('export writes 0700 folders and 0600 files (password hashes inside)', async () => {
    const source = copyExport(SAMPLE_EXPORT, tmp);
    expect((await runCli(['import', source], config)).code).toBe(0);
    const out = join(tmp, 'out');
    expect((await runCli(['export', readManifest(source).slug, '--out', out], config)).code).toBe(0);
    const modes: string[] = [];
    const walk = (d: string) => {
      modes.push(`${(statSync(d).mode & 0o777).toString(8)} dir`);
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else modes.push(`${(statSync(p).mode & 0o777).toString(8)} file`);
      }
    };
    walk(out);
    expect(modes.length).toBeGreaterThan(5);
    expect(new Set(modes)).toEqual(new Set(['700 dir', '600 file']));
  });
});
