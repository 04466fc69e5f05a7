import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@cascade/auth';
import { ListQueryDto } from '@cascade/core';
import { Idempotent } from '@cascade/idempotency';
import { TenantConnection } from '@cascade/tenancy';
import { UuidPipe } from '../http/validation';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly db: TenantConnection,
    private readonly users: UsersService,
  ) {}

  @Post()
  @Idempotent()
  @Roles('owner', 'admin')
  async create(@Body() dto: CreateUserDto) {
    return this.users.create(await this.db.manager(), dto);
  }

  @Get()
  async list(@Query() q: ListQueryDto) {
    return this.users.list(await this.db.manager(), q.limit, q.cursor);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string) {
    return this.users.get(await this.db.manager(), id);
  }

  @Patch(':id')
  @Roles('owner', 'admin')
  async update(@Param('id', UuidPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(await this.db.manager(), id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('owner', 'admin')
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.users.remove(await this.db.manager(), id);
  }
}
