import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ListQueryDto } from '@cascade/core';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateResourceDto } from './dto/create-resource.dto';
import { UpdateResourceDto } from './dto/update-resource.dto';
import { ResourcesService } from './resources.service';

@ApiTags('resources')
@ApiBearerAuth()
@Controller('api/resources')
export class ResourcesController {
  constructor(
    private readonly db: TenantConnection,
    private readonly resources: ResourcesService,
  ) {}

  @Post()
  async create(@Body() dto: CreateResourceDto, @Req() req: Request) {
    return this.resources.create(await this.db.manager(), dto, tenantContextOf(req).principal.userId);
  }

  @Get()
  async list(@Query() q: ListQueryDto) {
    return this.resources.list(await this.db.manager(), q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string) {
    return this.resources.get(await this.db.manager(), id);
  }

  @Patch(':id')
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateResourceDto) {
    return this.resources.update(await this.db.manager(), id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.resources.remove(await this.db.manager(), id);
  }
}
