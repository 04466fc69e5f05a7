import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { IdempotencyKeySweeper } from './idempotency-key.sweeper';
import { IdempotencyKeys } from './idempotency-keys.service';

@Global()
@Module({
  providers: [IdempotencyKeyRepository, IdempotencyKeys, IdempotencyInterceptor, IdempotencyKeySweeper],
  exports: [IdempotencyKeyRepository, IdempotencyKeys, IdempotencyInterceptor, IdempotencyKeySweeper],
})
export class IdempotencyModule {}
