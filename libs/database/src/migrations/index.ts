import { InitialSchema1730000000000 } from './1730000000000-initial-schema';
import { AuditEvents1730000000100 } from './1730000000100-audit-events';

/** The ordered, versioned chain. Append only: a released migration is never edited. */
export const MIGRATIONS = [InitialSchema1730000000000, AuditEvents1730000000100];
