import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { UuidPipe } from '../http/validation';
import { CreateWorkroomDto } from './dto/create-workroom.dto';
import { WorkroomResponse } from './dto/workroom-response.dto';
import { WorkroomsService } from './workrooms.service';

@ApiTags('workrooms')
@Controller('api/workrooms')
export class WorkroomsController {
  constructor(
    private readonly db: TenantConnection,
    private readonly workrooms: WorkroomsService,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperationDoc({
    summary: 'Create a workroom',
    created: WorkroomResponse,
    jsonBody: true,
    idempotent: true,
    errors: ['quota_exceeded'],
  })
  async create(@Body() dto: CreateWorkroomDto, @Req() req: Request) {
    return this.workrooms.create(await this.db.manager(), dto.name, tenantContextOf(req).principal.userId);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List workrooms, oldest first', page: WorkroomResponse })
  async list(@Query() q: ListQueryDto) {
    return this.workrooms.list(await this.db.manager(), q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get a workroom', ok: WorkroomResponse, ids: { id: 'The workroom id' } })
  async get(@Param('id', UuidPipe) id: string) {
    return this.workrooms.get(await this.db.manager(), id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({ summary: 'Delete a workroom', noContent: 'Deleted; usage.workrooms went down by one', ids: { id: 'The workroom id' } })
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.workrooms.remove(await this.db.manager(), id);
  }
}
