import { Controller, Delete, Get, HttpCode, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AuditTrail } from '@cascade/audit';
import { ListQueryDto } from '@cascade/core';
import { Idempotent, IdempotencyKeys } from '@cascade/idempotency';
import { CurrentTenant, currentTenantContext, TenantConnection, TenantRecord, Tx } from '@cascade/tenancy';
import { ApiNotModifiedResponse, ApiTags } from '@nestjs/swagger';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { FileResponse } from './dto/file-response.dto';
import { UuidPipe } from '../http/validation';
import { FileUploadDto } from './dto/file-upload.dto';
import { FileView } from './file.view';
import { FilesService } from './files.service';
import { contentDisposition, etagOf, ifNoneMatchHits } from './http/file-headers';
import { FileUploadService } from './upload/file-upload.service';

@ApiTags('files')
@Controller('api/files')
export class FilesController {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly files: FilesService,
    private readonly uploads: FileUploadService,
    private readonly audit: AuditTrail,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  @Post()
  @Idempotent('upload')
  @ApiOperationDoc({
    summary: 'Upload one file',
    description:
      'multipart/form-data with one field `file`, streamed to storage; counted against max_storage_bytes; 413 past MAX_UPLOAD_BYTES.',
    created: FileResponse,
    multipart: FileUploadDto,
    idempotent: true,
    errors: ['quota_exceeded'],
    headers: { Location: 'The new file: /api/files/{id}' },
  })
  async upload(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<FileView> {
    const { tenant, principal } = currentTenantContext();
    // Uploads and deletes run short transactions of their own (no request transaction for the
    // audit interceptor to join), so their audit event and their Idempotency-Key answer go into the
    // transaction that commits the change.
    // The body was left unread by the content-type parser: busboy streams it from the raw request.
    const file = await this.uploads.upload(req.raw, tenant.id, principal.userId, async (tx, result) => {
      await this.idempotency.completeUpload(res.statusCode, tx, result);
      await this.audit.recordSuccess(req, tx, result);
    });
    res.header('Location', `/api/files/${file.id}`);
    return file;
  }

  @Get()
  @ApiOperationDoc({ summary: 'List files, oldest first', page: FileResponse })
  async list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.files.list(await db.manager(), currentTenantContext().tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get a file’s metadata', ok: FileResponse, ids: { id: 'The file id' } })
  async get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.files.get(await db.manager(), currentTenantContext().tenant.id, id);
  }

  @Get(':id/content')
  @ApiOperationDoc({
    summary: 'Download a file’s bytes',
    description: 'As an attachment with the stored Content-Type; the ETag is the quoted sha256 (If-None-Match → 304).',
    bytes: {
      description: 'The file',
      headers: {
        ETag: 'The quoted sha256 of the bytes',
        'Content-Length': 'The size in bytes',
        'Content-Disposition': 'attachment, with the stored filename',
      },
    },
    ids: { id: 'The file id' },
  })
  @ApiNotModifiedResponse({ description: 'If-None-Match names the current ETag' })
  async content(
    @Param('id', UuidPipe) id: string,
    @CurrentTenant() tenant: TenantRecord,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const tenantId = tenant.id;
    const file = await this.files.describe(tenantId, id);
    const etag = etagOf(file.sha256);
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' };
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      void res.status(304).headers(cacheHeaders).send();
      return;
    }
    // Opened before any header is set, so a failure still answers in the contract's error shape.
    const body = req.method === 'HEAD' ? undefined : await this.files.open(tenantId, file);
    res.status(200).headers({
      ...cacheHeaders,
      'Content-Type': file.content_type,
      'Content-Length': String(file.size),
      'Content-Disposition': contentDisposition(file.filename),
    });
    if (!body) {
      // HEAD: an empty body would make Fastify's HEAD route answer Content-Length: 0; an empty
      // stream keeps the file's length, and the stored object is never opened.
      void res.send(Readable.from([]));
      return;
    }
    body.once('error', (err: NodeJS.ErrnoException) => {
      // Headers are out: nothing more can be said to the client (Fastify closes the connection).
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.error(`file ${file.id}: streaming failed (${err.message})`);
    });
    void res.send(body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({
    summary: 'Delete a file',
    noContent: 'Metadata and bytes are gone; usage.storage_bytes went down by the size',
    ids: { id: 'The file id' },
  })
  async remove(@Param('id', UuidPipe) id: string, @CurrentTenant() tenant: TenantRecord, @Req() req: FastifyRequest): Promise<void> {
    await this.files.remove(tenant.id, id, (tx) => this.audit.recordSuccess(req, tx, undefined));
  }
}
