import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { isUuid } from '@cascade/core';
import { ObjectKey, tenantPrefix, TENANTS_PREFIX } from '../object-key';
import { ObjectMissingError, ObjectStorage, StagedFile } from '../object-storage';

export interface S3StorageOptions {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Larger staged files go up as a multipart upload (a single PUT is capped at 5 GiB by S3). */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Objects in one bucket under `tenants/<tenant_id>/<file_id>`, for AWS S3 and S3-compatible
 * servers (MinIO, Ceph, s3rver...).
 *
 * Uploads arrive here already staged on local disk, so every PUT has a known length: the body
 * streams from the file (nothing is buffered), the SDK needs no chunked signing, and the object
 * only appears once the bytes are complete, hashed and paid for. A single PUT also carries the
 * sha256 we measured (`x-amz-checksum-sha256`), so S3 itself refuses a body that changed on the
 * way. Past `multipartThresholdBytes` the staged file is sent as ranged parts instead. The SDK's
 * default "checksum whenever supported" mode sends aws-chunked bodies that several S3-compatible
 * servers store verbatim (trailers included), so checksums are only computed where S3 requires
 * them (DeleteObjects).
 */
export class S3ObjectStorage extends ObjectStorage {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(opts: S3StorageOptions) {
    super();
    this.bucket = opts.bucket;
    this.multipartThreshold = opts.multipartThresholdBytes ?? 256 * MiB;
    this.partSize = opts.partSizeBytes ?? 64 * MiB;
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials:
        opts.accessKeyId && opts.secretAccessKey ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async putStaged(key: ObjectKey, staged: StagedFile): Promise<void> {
    if (staged.size > this.multipartThreshold) await this.putInParts(key, staged);
    else {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: createReadStream(staged.path),
          ContentLength: staged.size,
          ContentType: staged.contentType,
          ChecksumSHA256: Buffer.from(staged.sha256, 'hex').toString('base64'),
        }),
      );
    }
    await rm(staged.path, { force: true });
  }

  async open(key: ObjectKey): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectMissingError(key);
      throw err;
    }
  }

  async sizeOf(key: ObjectKey): Promise<number | null> {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ContentLength ?? 0;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async remove(key: ObjectKey): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Lists and deletes page by page (1,000 keys per request) until the prefix is empty. */
  async purgeTenant(tenantId: string): Promise<void> {
    const prefix = tenantPrefix(tenantId);
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
      if (!keys.length) return;
      const out = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
      if (out.Errors?.length) throw new Error(`S3 refused to delete ${out.Errors.length} object(s) of a tenant (${out.Errors[0].Code})`);
    }
  }

  async tenantsWithObjects(): Promise<string[]> {
    const tenants: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${TENANTS_PREFIX}/`, Delimiter: '/', ContinuationToken: token }),
      );
      for (const p of page.CommonPrefixes ?? []) {
        const id = (p.Prefix ?? '').slice(TENANTS_PREFIX.length + 1, -1);
        if (isUuid(id)) tenants.push(id);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return tenants;
  }

  override async close(): Promise<void> {
    this.client.destroy();
  }

  private async putInParts(key: ObjectKey, staged: StagedFile): Promise<void> {
    const partSize = Math.max(this.partSize, Math.ceil(staged.size / MAX_PARTS));
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: staged.contentType }),
    );
    const upload = { Bucket: this.bucket, Key: key, UploadId };
    try {
      const parts: { PartNumber: number; ETag?: string }[] = [];
      for (let start = 0, n = 1; start < staged.size; start += partSize, n++) {
        const end = Math.min(start + partSize, staged.size);
        const { ETag } = await this.client.send(
          new UploadPartCommand({
            ...upload,
            PartNumber: n,
            Body: createReadStream(staged.path, { start, end: end - 1 }),
            ContentLength: end - start,
          }),
        );
        parts.push({ PartNumber: n, ETag });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      // The part failure is the error to report; an abort that fails too leaves parts that a
      // bucket lifecycle rule (AbortIncompleteMultipartUpload) removes: see docs/storage.md.
      await this.client.send(new AbortMultipartUploadCommand(upload)).catch(() => undefined);
      throw err;
    }
  }
}
