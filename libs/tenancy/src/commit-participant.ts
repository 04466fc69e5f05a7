import { ExecutionContext } from '@nestjs/common';
import { ScopedTransaction } from '@cascade/database';

/**
 * Work that joins a request's transaction after the handler succeeded and before COMMIT (the
 * audit event). Called by the one transaction interceptor, so the request pays for one
 * interceptor, not one per concern.
 */
export interface CommitParticipant {
  beforeCommit(context: ExecutionContext, result: unknown, tx: ScopedTransaction): Promise<void>;
}

export const COMMIT_PARTICIPANT = Symbol('COMMIT_PARTICIPANT');
