export * from './auth.module';
export * from './jwt-auth.guard';
export * from './password-hasher';
export * from './principal';
export * from './roles.guard';
export * from './route-metadata';
export * from './token.service';
