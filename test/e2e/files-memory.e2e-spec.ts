import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { get, Server } from 'node:http';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { listeningPort, streamUpload } from '../support/files-upload-client';
import { TestApp } from '../support/test-app';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const LIMIT = 50 * MiB;
const COLLECT_AT = 30 * MiB;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** V8 heap plus memory outside it (Buffers): what the process holds, garbage included. */
function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Highest memory held (sampled every 10 ms) while `work` runs, minus what was held just before it.
 * A sample above COLLECT_AT is taken again after a full collection: on a loaded machine the
 * collector runs late behind 3,200 read buffers of 64 KiB, and raw numbers reached 90 MB while
 * nothing was held; a file buffered whole still counts its 200 MiB after any collection.
 */
async function heldGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  gc();
  const baseline = held();
  let peak = baseline;
  const sample = () => {
    let now = held();
    if (now - baseline >= COLLECT_AT) {
      gc();
      now = held();
    }
    peak = Math.max(peak, now);
  };
  const sampler = setInterval(sample, 10);
  try {
    const result = await work();
    sample();
    return { result, growth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

function download(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; sha256: string; bytes: number }> {
  return new Promise((done, fail) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, sha256: hash.digest('hex'), bytes }));
      res.on('error', fail);
    }).on('error', fail);
  });
}

/**
 * Uploads and downloads stream: 200 MiB go through the app (and this test's own client, in the
 * same process) while the memory the process holds grows by far less than 50 MB.
 */
describe('files: memory stays flat while 200 MiB stream through', () => {
  let t: TestApp;
  let port: number;
  const storageRoot = resolve('.cascade', `test-files-memory-${process.pid}-${randomBytes(3).toString('hex')}`);

  beforeAll(async () => {
    t = await TestApp.start({ env: { STORAGE_ROOT: storageRoot, MAX_UPLOAD_BYTES: String(256 * MiB) } });
    port = await listeningPort(t.app.getHttpServer() as Server);
  });
  afterAll(async () => {
    await t?.close();
    await rm(storageRoot, { recursive: true, force: true });
  });

  it('a 200 MiB upload and its download keep the memory held well under 50 MB', async () => {
    const a = await t.createTenant();
    // Warm up every code path first, so the measurement is of streaming, not of loading modules.
    expect((await streamUpload(port, { size: 2 * MiB, headers: a.auth })).status).toBe(201);

    const up = await heldGrowth(() => streamUpload(port, { size: SIZE, headers: a.auth, chunked: true }));
    expect(up.result.status).toBe(201);
    expect(up.result.body).toEqual(expect.objectContaining({ size: SIZE, sha256: up.result.sha256 }));

    const down = await heldGrowth(() => download(port, `/api/files/${up.result.body?.id}/content`, a.auth));
    expect(down.result).toEqual({ status: 200, sha256: up.result.sha256, bytes: SIZE });

    console.log(
      `Memory held while streaming ${SIZE / MiB} MiB: upload ${(up.growth / MiB).toFixed(1)} MiB, download ${(down.growth / MiB).toFixed(1)} MiB`,
    );
    expect(up.growth).toBeLessThan(LIMIT);
    expect(down.growth).toBeLessThan(LIMIT);
    expect((await t.http.get('/api/quota').set(a.auth)).body.usage.storage_bytes).toBe(SIZE + 2 * MiB);
  });
});
