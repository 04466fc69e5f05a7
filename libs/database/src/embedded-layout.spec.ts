import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockingFolder, ownRuntimeFolder } from './embedded-layout';
import { EmbeddedPostgresError } from './embedded-postgres.error';

describe('embedded PostgreSQL layout', () => {
  let root: string;
  const previous = process.env.CASCADE_PG_RUNTIME_DIR;
  // Any uid/gid but ours and root's: an OS user like `postgres` that owns nothing here.
  const stranger = { uid: 54321, gid: 54321 };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cascade-layout-'));
    chmodSync(root, 0o755);
    process.env.CASCADE_PG_RUNTIME_DIR = root;
  });
  afterEach(() => {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.CASCADE_PG_RUNTIME_DIR;
    else process.env.CASCADE_PG_RUNTIME_DIR = previous;
  });

  it('names the first folder another OS user cannot enter', () => {
    const project = join(root, 'private', 'project', '.cascade', 'pg');
    mkdirSync(project, { recursive: true });
    expect(blockingFolder(project, stranger)).toBeUndefined();
    chmodSync(join(root, 'private'), 0o700);
    expect(blockingFolder(project, stranger)).toBe(join(root, 'private'));
    expect(blockingFolder(join(project, 'not-yet'), stranger)).toBe(join(root, 'private'));
  });

  it('makes its runtime folder passable (0711) but not listable or writable by others', () => {
    const dir = ownRuntimeFolder('cascade-pg-test');
    expect(statSync(dir).mode & 0o777).toBe(0o711);
    expect(ownRuntimeFolder('cascade-pg-test')).toBe(dir); // its own folder is reused
  });

  it('refuses a prepared folder that others can write, and a symlink in its place', () => {
    mkdirSync(join(root, 'cascade-pg-open'), { mode: 0o777 });
    chmodSync(join(root, 'cascade-pg-open'), 0o777);
    expect(() => ownRuntimeFolder('cascade-pg-open')).toThrow(EmbeddedPostgresError);
    expect(() => ownRuntimeFolder('cascade-pg-open')).toThrow(/is not a private folder of yours: remove it, or set DATABASE_URL/);
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), join(root, 'cascade-pg-link'));
    expect(() => ownRuntimeFolder('cascade-pg-link')).toThrow(/is not a private folder of yours/);
  });
});
