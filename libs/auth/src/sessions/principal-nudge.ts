/**
 * How a replica tells the others "the principal feed changed: read it now". libs/cache provides
 * the Redis pub/sub one; without Redis there is one replica and nothing to tell. A lost nudge
 * costs at most one poll interval (1 s): the feed, not the message, is the truth.
 */
export interface PrincipalNudge {
  publish(): Promise<void>;
  onNudge(listener: () => void): void;
}

export const PRINCIPAL_NUDGE = Symbol('PRINCIPAL_NUDGE');

export class LocalPrincipalNudge implements PrincipalNudge {
  async publish(): Promise<void> {}
  onNudge(): void {}
}
