import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateWorkroomDto } from './dto/create-workroom.dto';
import { WorkroomsService } from './workrooms.service';

@ApiTags('workrooms')
@ApiBearerAuth()
@Controller('api/workrooms')
export class WorkroomsController {
  constructor(
    private readonly db: TenantConnection,
    private readonly workrooms: WorkroomsService,
  ) {}

  @Post()
  @Idempotent()
  async create(@Body() dto: CreateWorkroomDto, @Req() req: Request) {
    const { tenant, principal } = tenantContextOf(req);
    return this.workrooms.create(await this.db.manager(), tenant.id, dto.name, principal.userId);
  }

  @Get()
  async list(@Query() q: ListQueryDto, @Req() req: Request) {
    return this.workrooms.list(await this.db.manager(), tenantContextOf(req).tenant.id, q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string, @Req() req: Request) {
    return this.workrooms.get(await this.db.manager(), tenantContextOf(req).tenant.id, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string, @Req() req: Request): Promise<void> {
    await this.workrooms.remove(await this.db.manager(), tenantContextOf(req).tenant.id, id);
  }
}
