import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@cascade/auth';
import { PrefetchCell } from '@cascade/cache';
import { ListQueryDto } from '@cascade/core';
import { RequiresFeature } from '@cascade/quotas';
import { Idempotent } from '@cascade/idempotency';
import { CurrentTenant, currentTenantContext, TenantConnection, TenantRecord, Tx } from '@cascade/tenancy';
import { ApiOperationDoc } from '../http/openapi/api-operation-doc.decorator';
import { ResourceResponse } from './dto/resource-response.dto';
import { UuidPipe } from '../http/validation';
import { CreateResourceDto } from './dto/create-resource.dto';
import { SearchResourcesDto } from './dto/search-resources.dto';
import { UpdateResourceDto } from './dto/update-resource.dto';
import { resourceCacheKey, ResourcesService } from './resources.service';

@ApiTags('resources')
@Controller('api/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Post()
  @Idempotent()
  @ApiOperationDoc({ summary: 'Create a resource', created: ResourceResponse, jsonBody: true, idempotent: true })
  async create(@Body() dto: CreateResourceDto, @CurrentPrincipal() principal: Principal, @Tx() db: TenantConnection) {
    return this.resources.create(await db.manager(), currentTenantContext().tenant.id, dto, principal.userId);
  }

  @Get()
  @ApiOperationDoc({ summary: 'List resources, oldest first', page: ResourceResponse })
  async list(@Query() q: ListQueryDto, @Tx() db: TenantConnection) {
    return this.resources.list(await db.manager(), currentTenantContext().tenant.id, q.limit, q.cursor);
  }

  @Get('search')
  @RequiresFeature('advanced_search')
  @ApiOperationDoc({
    summary: 'Search resources by name prefix',
    description: 'Needs the plan feature `advanced_search`.',
    page: ResourceResponse,
    errors: ['feature_not_enabled'],
  })
  async search(@Query() q: SearchResourcesDto, @Tx() db: TenantConnection) {
    return this.resources.search(await db.manager(), currentTenantContext().tenant.id, q.q, q.limit, q.cursor);
  }

  @Get(':id')
  @PrefetchCell('id', resourceCacheKey)
  @ApiOperationDoc({ summary: 'Get a resource', ok: ResourceResponse, ids: { id: 'The resource id' } })
  get(@Param('id', UuidPipe) id: string, @CurrentTenant() tenant: TenantRecord, @Tx() db: TenantConnection) {
    return this.resources.get(db, tenant.id, id);
  }

  @Patch(':id')
  @ApiOperationDoc({ summary: 'Change a resource’s name or data', ok: ResourceResponse, ids: { id: 'The resource id' }, jsonBody: true })
  update(
    @Param('id', UuidPipe) id: string,
    @Body() dto: UpdateResourceDto,
    @CurrentTenant() tenant: TenantRecord,
    @Tx() db: TenantConnection,
  ) {
    return this.resources.update(db, tenant.id, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperationDoc({ summary: 'Delete a resource', noContent: 'Deleted', ids: { id: 'The resource id' } })
  async remove(@Param('id', UuidPipe) id: string, @CurrentTenant() tenant: TenantRecord, @Tx() db: TenantConnection): Promise<void> {
    await this.resources.remove(db, tenant.id, id);
  }
}
