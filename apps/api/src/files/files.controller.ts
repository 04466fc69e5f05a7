import { Controller, Delete, Get, HttpCode, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AuditTrail } from '@cascade/audit';
import { ListQueryDto } from '@cascade/core';
import { Idempotent, IdempotencyKeys } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { FileDto, FileUploadDto } from './dto/file-upload.dto';
import { FileView } from './file.view';
import { FilesService } from './files.service';
import { contentDisposition, etagOf, ifNoneMatchHits } from './http/file-headers';
import { FileUploadService } from './upload/file-upload.service';

@ApiTags('files')
@ApiBearerAuth()
@Controller('api/files')
export class FilesController {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly db: TenantConnection,
    private readonly files: FilesService,
    private readonly uploads: FileUploadService,
    private readonly audit: AuditTrail,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  @Post()
  @Idempotent('upload')
  @ApiOperation({ summary: 'Upload one file (streamed; counted against max_storage_bytes; 413 past MAX_UPLOAD_BYTES)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: FileUploadDto })
  @ApiCreatedResponse({ type: FileDto })
  @ApiPayloadTooLargeResponse({ description: 'payload_too_large: the file exceeds MAX_UPLOAD_BYTES' })
  async upload(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<FileView> {
    const { tenant, principal } = tenantContextOf(req);
    // Uploads and deletes run short transactions of their own (no request transaction for the
    // audit interceptor to join), so their audit event and their Idempotency-Key answer go into the
    // transaction that commits the change.
    const file = await this.uploads.upload(req, tenant.id, principal.userId, async (tx, result) => {
      await this.idempotency.completeUpload(req, tx, result);
      await this.audit.recordSuccess(req, tx, result);
    });
    res.setHeader('Location', `/api/files/${file.id}`);
    return file;
  }

  @Get()
  @ApiOkResponse({ description: '{items: File[], next_cursor}' })
  async list(@Query() q: ListQueryDto, @Req() req: Request) {
    return this.files.list(await this.db.manager(), tenantContextOf(req).tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: FileDto })
  async get(@Param('id', UuidPipe) id: string, @Req() req: Request) {
    return this.files.get(await this.db.manager(), tenantContextOf(req).tenant.id, id);
  }

  @Get(':id/content')
  @ApiOperation({ summary: 'The bytes, as an attachment; ETag is the quoted sha256 (If-None-Match → 304)' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file, with Content-Type, Content-Length, ETag and Content-Disposition' })
  @ApiNotModifiedResponse({ description: 'If-None-Match names the current ETag' })
  async content(@Param('id', UuidPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const tenantId = tenantContextOf(req).tenant.id;
    const file = await this.files.describe(tenantId, id);
    const etag = etagOf(file.sha256);
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'private, no-cache' };
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      res.status(304).set(cacheHeaders).end();
      return;
    }
    // Opened before any header is set, so a failure still answers in the contract's error shape.
    const body = req.method === 'HEAD' ? undefined : await this.files.open(tenantId, file);
    res.status(200).set({
      ...cacheHeaders,
      'Content-Type': file.content_type,
      'Content-Length': String(file.size),
      'Content-Disposition': contentDisposition(file.filename),
    });
    if (!body) {
      res.end();
      return;
    }
    try {
      await pipeline(body, res);
    } catch (err) {
      // Headers are out: nothing more can be said to the client, whose connection pipeline closed.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.error(`file ${file.id}: streaming failed (${(err as Error).message})`);
      }
    }
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Metadata and bytes are gone; usage.storage_bytes went down by the size' })
  async remove(@Param('id', UuidPipe) id: string, @Req() req: Request): Promise<void> {
    await this.files.remove(tenantContextOf(req).tenant.id, id, (tx) => this.audit.recordSuccess(req, tx, undefined));
  }
}
