import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { ListQueryDto } from '@cascade/core';
import { RequiresFeature } from '@cascade/quotas';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection, tenantContextOf } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { UuidPipe } from '../http/validation';
import { CreateResourceDto } from './dto/create-resource.dto';
import { SearchResourcesDto } from './dto/search-resources.dto';
import { ResourceResponse } from './dto/resource-response.dto';
import { UpdateResourceDto } from './dto/update-resource.dto';
import { ResourcesService } from './resources.service';

@ApiTags('resources')
@Controller('api/resources')
export class ResourcesController {
  constructor(
    private readonly db: TenantConnection,
    private readonly resources: ResourcesService,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperationDoc({ summary: 'Create a resource', created: ResourceResponse, jsonBody: true, idempotent: true })
  async create(@Body() dto: CreateResourceDto, @Req() req: Request) {
    return this.resources.create(await this.db.manager(), dto, tenantContextOf(req).principal.userId);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List resources, oldest first', page: ResourceResponse })
  async list(@Query() q: ListQueryDto) {
    return this.resources.list(await this.db.manager(), q.limit, q.cursor);
  }

  @Get('search')
  @RequiresFeature('advanced_search')
  @ApiOperationDoc({
    summary: 'Search resources by name prefix',
    description: 'Needs the plan feature `advanced_search`.',
    page: ResourceResponse,
    errors: ['feature_not_enabled'],
  })
  async search(@Query() q: SearchResourcesDto) {
    return this.resources.search(await this.db.manager(), q.q, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperationDoc({ summary: 'Get a resource', ok: ResourceResponse, ids: { id: 'The resource id' } })
  get(@Param('id', UuidPipe) id: string, @Req() req: Request) {
    return this.resources.get(this.db, tenantContextOf(req).tenant.id, id);
  }

  @Patch(':id')
  @ApiOperationDoc({ summary: 'Change a resource’s name or data', ok: ResourceResponse, ids: { id: 'The resource id' }, jsonBody: true })
  update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateResourceDto, @Req() req: Request) {
    return this.resources.update(this.db, tenantContextOf(req).tenant.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({ summary: 'Delete a resource', noContent: 'Deleted', ids: { id: 'The resource id' } })
  async remove(@Param('id', UuidPipe) id: string, @Req() req: Request): Promise<void> {
    await this.resources.remove(this.db, tenantContextOf(req).tenant.id, id);
  }
}
