import { ApiProperty } from '@nestjs/swagger';
import { TenantRecord } from '@cascade/tenancy';
import { documents } from '../../http/openapi/wire-shape';
import { publicTenantView } from '../tenant.view';

/** A tenant as its own users see it (GET /api/tenant). */
export class CurrentTenantResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'acme', description: 'The tenant subdomain' }) slug: string;
  @ApiProperty({ example: 'Acme Corp' }) name: string;
  @ApiProperty({ example: 'standard', description: 'A plan of config/plans.json' }) plan: string;
  @ApiProperty({ enum: ['active', 'suspended'] }) status: 'active' | 'suspended';
}

/** A tenant as platform admins see it (/api/tenants). */
export class TenantResponse extends CurrentTenantResponse {
  @ApiProperty({ type: 'string', nullable: true, example: 'portal.acme.example' }) custom_domain: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

documents<CurrentTenantResponse, ReturnType<typeof publicTenantView>>(true);
documents<TenantResponse, TenantRecord>(true);
