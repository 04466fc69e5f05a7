import { SetMetadata } from '@nestjs/common';
import { isUuid } from '@cascade/core';

export const PREFETCH_CELL = 'cascade:prefetch-cell';

/** How a route names the cache key its read will look up, from its path parameters. */
export type PrefetchKey = (params: Readonly<Record<string, string | undefined>>) => string | undefined;

/**
 * Declares that a GET route reads one tenant-cache key named by a uuid path parameter, so the
 * edge can start that lookup together with the rate-limit call: a cache hit then costs one Redis
 * round trip in all. An id that is not a uuid starts nothing (the route answers 400 anyway).
 */
export function PrefetchCell(param: string, key: (id: string) => string): MethodDecorator {
  const prefetchKey: PrefetchKey = (params) => {
    const id = params[param];
    return id !== undefined && isUuid(id) ? key(id.toLowerCase()) : undefined;
  };
  return SetMetadata(PREFETCH_CELL, prefetchKey);
}
