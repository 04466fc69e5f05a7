import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ListQueryDto } from '@cascade/core';
import { RequiresFeature } from '@cascade/quotas';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateResourceDto } from './dto/create-resource.dto';
import { SearchResourcesDto } from './dto/search-resources.dto';
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
  @Idempotent()
  async create(@Body() dto: CreateResourceDto, @Req() req: Request) {
    const { tenant, principal } = tenantContextOf(req);
    return this.resources.create(await this.db.manager(), tenant.id, dto, principal.userId);
  }

  @Get()
  async list(@Query() q: ListQueryDto, @Req() req: Request) {
    return this.resources.list(await this.db.manager(), tenantContextOf(req).tenant.id, q.limit, q.cursor);
  }

  @Get('search')
  @RequiresFeature('advanced_search')
  @ApiOperation({ summary: 'Name prefix search (feature "advanced_search")' })
  async search(@Query() q: SearchResourcesDto, @Req() req: Request) {
    return this.resources.search(await this.db.manager(), tenantContextOf(req).tenant.id, q.q, q.limit, q.cursor);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string, @Req() req: Request) {
    return this.resources.get(this.db, tenantContextOf(req).tenant.id, id);
  }

  @Patch(':id')
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateResourceDto, @Req() req: Request) {
    return this.resources.update(this.db, tenantContextOf(req).tenant.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidPipe) id: string, @Req() req: Request): Promise<void> {
    await this.resources.remove(this.db, tenantContextOf(req).tenant.id, id);
  }
}
