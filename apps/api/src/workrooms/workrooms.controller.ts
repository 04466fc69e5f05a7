import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { currentTenantContext, TenantConnection, Tx } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { WorkroomResponse } from './dto/workroom-response.dto';
import { UuidPipe } from '../http/validation';
import { CreateWorkroomDto } from './dto/create-workroom.dto';
import { WorkroomsService } from './workrooms.service';

@ApiTags('workrooms')
@Controller('api/workrooms')
export class WorkroomsController {
  constructor(private readonly workrooms: WorkroomsService) {}

  @Post()
  @Idempotent()
  @ApiOperationDoc({
    summary: 'Create a workroom',
    created: WorkroomResponse,
    jsonBody: true,
    idempotent: true,
    errors: ['quota_exceeded'],
  })
  async create(@Body() dto: CreateWorkroomDto, @CurrentPrincipal() principal: Principal, @Tx() db: TenantConnection) {
    return this.workrooms.create(await db.manager(), currentTenantContext().tenant.id, dto.name, principal.userId);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List workrooms, oldest first', page: WorkroomResponse })
  async list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.workrooms.list(await db.manager(), currentTenantContext().tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get a workroom', ok: WorkroomResponse, ids: { id: 'The workroom id' } })
  async get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.workrooms.get(await db.manager(), currentTenantContext().tenant.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({ summary: 'Delete a workroom', noContent: 'Deleted; usage.workrooms went down by one', ids: { id: 'The workroom id' } })
  async remove(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    await this.workrooms.remove(await db.manager(), currentTenantContext().tenant.id, id);
  }
}
