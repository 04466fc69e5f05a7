/**
 * An expected failure of the embedded PostgreSQL (a folder out of reach, a data folder in use…):
 * the message is one line naming the cause and the fix, printed without a stack.
 */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}
