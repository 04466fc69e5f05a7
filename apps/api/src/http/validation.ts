import { PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { isUuid, validationFailed } from '@cascade/core';

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`));
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/** Unknown fields are rejected, not silently dropped; failures answer 400 validation_failed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => validationFailed(describe(errors).join('; ') || 'Invalid request'),
  });
}

/** For `:id` path parameters: a malformed id is a 400 before any lookup; a valid one is lower-cased (one spelling everywhere). */
class LowercaseUuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isUuid(value)) throw validationFailed('id must be a UUID');
    return value.toLowerCase();
  }
}

export const UuidPipe = new LowercaseUuidPipe();
