export * from './cache-generation';
export * from './cache.module';
export * from './invalidation-bus';
export * from './local-cache';
export * from './prefetch-cell.decorator';
export * from './redis-connection';
export * from './tenant-cache.service';
