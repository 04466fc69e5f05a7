import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

export interface Checkpoints {
  /** Call `onCheckpoint` whenever this many bytes arrived since the last call. */
  everyBytes: number;
  /** Awaited before the chunk that crossed the mark is passed on: the stream waits for it. */
  onCheckpoint(received: number): Promise<void>;
}

/**
 * A pass-through that hashes (sha256) and counts what flows through it, and pauses the flow at
 * checkpoints. It holds no more than the chunk in hand: backpressure does the rest.
 */
export class MeteredCopy extends Transform {
  private readonly hash = createHash('sha256');
  private received = 0;
  private checkpointed = 0;

  constructor(private readonly checkpoints?: Checkpoints) {
    super();
  }

  get size(): number {
    return this.received;
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.received += chunk.length;
    const due = this.checkpoints && this.received - this.checkpointed >= this.checkpoints.everyBytes;
    if (!due) return callback(null, chunk);
    this.checkpointed = this.received;
    (this.checkpoints as Checkpoints).onCheckpoint(this.received).then(
      () => callback(null, chunk),
      (err: Error) => callback(err),
    );
  }
}
