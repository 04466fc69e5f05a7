import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, Tx } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateWorkroomDto } from './dto/create-workroom.dto';
import { WorkroomsService } from './workrooms.service';

@ApiTags('workrooms')
@ApiBearerAuth()
@Controller('api/workrooms')
export class WorkroomsController {
  constructor(private readonly workrooms: WorkroomsService) {}

  @Post()
  @Idempotent()
  async create(@Body() dto: CreateWorkroomDto, @CurrentPrincipal() principal: Principal, @Tx() db: TenantConnection) {
    return this.workrooms.create(await db.manager(), dto.name, principal.userId);
  }

  @Get()
  async list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.workrooms.list(await db.manager(), q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection) {
    return this.workrooms.get(await db.manager(), id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string, @Tx() db: TenantConnection): Promise<void> {
    await this.workrooms.remove(await db.manager(), id);
  }
}
