import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { LocalObjectStorage } from './drivers/local-object-storage';
import { S3ObjectStorage } from './drivers/s3-object-storage';
import { ObjectStorage } from './object-storage';
import { StagingArea } from './staging/staging-area';

/** The driver named by STORAGE_DRIVER (config validation already required S3_BUCKET for s3). */
export function createObjectStorage(config: Pick<AppConfig, 'storageDriver' | 'storageRoot' | 's3'>): ObjectStorage {
  if (config.storageDriver === 'local') return new LocalObjectStorage(config.storageRoot);
  const { bucket, ...s3 } = config.s3;
  if (!bucket) throw new Error('S3_BUCKET is required when STORAGE_DRIVER=s3');
  return new S3ObjectStorage({ bucket, ...s3 });
}

/** File bytes for the whole app: the configured ObjectStorage and the local staging area. */
@Global()
@Module({
  providers: [
    { provide: ObjectStorage, inject: [APP_CONFIG], useFactory: createObjectStorage },
    { provide: StagingArea, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new StagingArea(config.storageRoot) },
  ],
  exports: [ObjectStorage, StagingArea],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(ObjectStorage) private readonly storage: ObjectStorage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
