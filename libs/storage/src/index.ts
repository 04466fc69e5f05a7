export * from './drivers/local-object-storage';
export * from './drivers/s3-object-storage';
export * from './object-key';
export * from './object-storage';
export * from './staging/metered-copy';
export * from './staging/staging-area';
export * from './storage.module';
