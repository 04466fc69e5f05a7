import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { uuidv7 } from '@cascade/core';
import {
  LocalObjectStorage,
  ObjectKey,
  objectKey,
  ObjectMissingError,
  ObjectStorage,
  S3ObjectStorage,
  StagingArea,
} from '@cascade/storage';
import { S3TestServer, startS3Server } from '../support/s3-server';

const MiB = 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** The driver contract, run against both drivers (S3: a real S3-compatible server, s3rver). */
describe.each(['local', 's3'] as const)('object storage driver: %s', (driver) => {
  const root = resolve('.cascade', `test-drivers-${driver}-${process.pid}-${randomBytes(3).toString('hex')}`);
  let s3: S3TestServer | undefined;
  let storage: ObjectStorage;
  let staging: StagingArea;

  beforeAll(async () => {
    staging = new StagingArea(root);
    if (driver === 'local') {
      storage = new LocalObjectStorage(root);
      return;
    }
    s3 = await startS3Server();
    // A small multipart threshold, so the ranged-parts path runs too (S3's minimum part is 5 MiB).
    storage = new S3ObjectStorage({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      multipartThresholdBytes: 6 * MiB,
      partSizeBytes: 5 * MiB,
    });
  });
  afterAll(async () => {
    await storage?.close();
    await s3?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function put(key: ObjectKey, content: Buffer, tenantId: string, fileId: string) {
    const path = staging.pathFor(tenantId, fileId);
    const staged = await staging.write(Readable.from([content]), path);
    expect(staged).toEqual({ size: content.length, sha256: createHash('sha256').update(content).digest('hex') });
    await storage.putStaged(key, { path, ...staged, contentType: 'application/octet-stream' });
    expect(existsSync(path)).toBe(false);
  }

  it('publishes a staged file, reads it back, and removes it (idempotently)', async () => {
    const tenant = uuidv7();
    const id = uuidv7();
    const key = objectKey(tenant, id);
    const content = randomBytes(100_000);
    await put(key, content, tenant, id);
    expect(await storage.sizeOf(key)).toBe(content.length);
    expect(Buffer.compare(await readAll(await storage.open(key)), content)).toBe(0);
    await storage.remove(key);
    await storage.remove(key);
    expect(await storage.sizeOf(key)).toBeNull();
    await expect(storage.open(key)).rejects.toBeInstanceOf(ObjectMissingError);
  });

  it('stores files larger than one part intact (multipart for S3)', async () => {
    const tenant = uuidv7();
    const id = uuidv7();
    const key = objectKey(tenant, id);
    const content = randomBytes(12 * MiB + 123);
    await put(key, content, tenant, id);
    expect(await storage.sizeOf(key)).toBe(content.length);
    expect(
      createHash('sha256')
        .update(await readAll(await storage.open(key)))
        .digest('hex'),
    ).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('purges exactly one tenant and lists the tenants that have objects', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    const aKeys: ObjectKey[] = [];
    for (let i = 0; i < 3; i++) {
      const id = uuidv7();
      aKeys.push(objectKey(a, id));
      await put(aKeys[i], Buffer.from(`a${i}`), a, id);
    }
    const bId = uuidv7();
    await put(objectKey(b, bId), Buffer.from('b'), b, bId);
    expect(await storage.tenantsWithObjects()).toEqual(expect.arrayContaining([a, b]));
    await storage.purgeTenant(a);
    await storage.purgeTenant(a);
    for (const key of aKeys) expect(await storage.sizeOf(key)).toBeNull();
    expect(await storage.tenantsWithObjects()).not.toContain(a);
    expect(await storage.sizeOf(objectKey(b, bId))).toBe(1);
  });

  it('builds keys from UUIDs only', async () => {
    expect(() => objectKey('../etc', uuidv7())).toThrow(/UUID/);
    expect(() => objectKey(uuidv7(), 'passwd')).toThrow(/UUID/);
    await expect(storage.purgeTenant('..')).rejects.toThrow(/UUID/);
  });

  it('never overwrites a staged file, and sweeps stale ones', async () => {
    const [tenant, id] = [uuidv7(), uuidv7()];
    const path = staging.pathFor(tenant, id);
    expect(path.startsWith(join(root, 'tmp'))).toBe(true);
    await staging.write(Readable.from([Buffer.from('first')]), path);
    await expect(staging.write(Readable.from([Buffer.from('second')]), path)).rejects.toThrow(/EEXIST/);
    await mkdir(staging.dir, { recursive: true });
    await writeFile(join(staging.dir, 'unrelated.txt'), 'not staged by us');
    expect(await staging.sweepStale(60_000)).toBe(0);
    expect(await staging.sweepStale(60_000, Date.now() + 120_000)).toBe(1);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(staging.dir, 'unrelated.txt'))).toBe(true);
  });
});
