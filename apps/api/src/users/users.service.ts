import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { hashPassword } from '@cascade/auth';
import { conflict, decodeCursor, forbidden, notFound, Page, toPage, uuidv7 } from '@cascade/core';
import { isUniqueViolation } from '@cascade/database';
import { QuotaLedger } from '@cascade/quotas';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserView } from './user.view';
import { UsersRepository } from './users.repository';

const emailTaken = () => conflict('email_taken', 'A user with this email already exists in this tenant');

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly quota: QuotaLedger,
  ) {}

  /** Reserves a user slot and inserts in the same transaction: both happen or neither. */
  async create(
    em: EntityManager,
    dto: CreateUserDto | { email: string; password: string; role: 'owner' | 'admin' | 'member' },
  ): Promise<UserView> {
    const passwordHash = await hashPassword(dto.password);
    await this.quota.reserve(em, 'users');
    try {
      return await this.users.insert(em, { id: uuidv7(), email: dto.email.toLowerCase(), passwordHash, role: dto.role ?? 'member' });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
  }

  async get(em: EntityManager, id: string): Promise<UserView> {
    const user = await this.users.findById(em, id);
    if (!user) throw notFound();
    return user;
  }

  async list(em: EntityManager, limit: number, cursor?: string): Promise<Page<UserView>> {
    const rows = await this.users.listAfter(em, decodeCursor(cursor), limit + 1);
    return toPage(rows, limit, (u) => u);
  }

  async update(em: EntityManager, id: string, dto: UpdateUserDto): Promise<UserView> {
    const current = await this.get(em, id);
    if (current.role === 'owner' && dto.role !== undefined) throw forbidden('The owner role cannot be changed');
    try {
      const updated = await this.users.update(em, id, {
        email: dto.email?.toLowerCase(),
        role: dto.role,
        passwordHash: dto.password === undefined ? undefined : await hashPassword(dto.password),
      });
      if (!updated) throw notFound();
      return updated;
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
  }

  /** Deleting frees the quota slot in the same transaction. The owner cannot be deleted. */
  async remove(em: EntityManager, id: string): Promise<void> {
    const current = await this.get(em, id);
    if (current.role === 'owner') throw forbidden('The tenant owner cannot be deleted');
    if (!(await this.users.delete(em, id))) throw notFound();
    await this.quota.release(em, 'users');
  }
}
