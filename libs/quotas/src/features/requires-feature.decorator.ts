import { SetMetadata } from '@nestjs/common';

export const REQUIRED_FEATURE = 'cascade:feature';

/** The route needs this feature in the tenant's quota `features` list, else 403 feature_not_enabled. */
export const RequiresFeature = (feature: string) => SetMetadata(REQUIRED_FEATURE, feature);
