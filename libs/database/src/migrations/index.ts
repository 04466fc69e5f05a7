import { InitialSchema1730000000000 } from './1730000000000-initial-schema';

/** The ordered, versioned chain. Append only: a released migration is never edited. */
export const MIGRATIONS = [InitialSchema1730000000000];
