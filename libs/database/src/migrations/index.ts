import { InitialSchema1730000000000 } from './1730000000000-initial-schema';
import { AuditEvents1730000000100 } from './1730000000100-audit-events';
import { Files1730000000200 } from './1730000000200-files';
import { ImportKeys1730000000300 } from './1730000000300-import-keys';
import { Sessions1730000000400 } from './1730000000400-sessions';
import { CacheGeneration1730000000420 } from './1730000000420-cache-generation';
import { IdempotencyKeys1730000000500 } from './1730000000500-idempotency-keys';
import { ApiKeys1730000000600 } from './1730000000600-api-keys';
import { CitusPolicyForm1730000000700 } from './1730000000700-citus-policy-form';

/** The ordered, versioned chain. Append only: a released migration is never edited. */
export const MIGRATIONS = [
  InitialSchema1730000000000,
  AuditEvents1730000000100,
  Files1730000000200,
  ImportKeys1730000000300,
  Sessions1730000000400,
  CacheGeneration1730000000420,
  IdempotencyKeys1730000000500,
  ApiKeys1730000000600,
  CitusPolicyForm1730000000700,
];
