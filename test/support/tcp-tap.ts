import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay in front of a server (Redis here) that records what its clients send, one entry
 * per chunk read from the socket: a chunk is what the client wrote in one go, so the entries
 * that name a request's keys tell how many writes — round trips — that request cost.
 */
export class TcpTap {
  readonly sent: string[] = [];
  private readonly sockets = new Set<Socket>();

  private readonly server: Server;
  private port_ = 0;

  private constructor(target: { host: string; port: number }) {
    this.server = createServer((client) => {
      const upstream = createConnection(target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk: Buffer) => {
        this.sent.push(chunk.toString('latin1'));
        upstream.write(chunk);
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  get port(): number {
    return this.port_;
  }

  static async start(target: { host: string; port: number }): Promise<TcpTap> {
    const tap = new TcpTap(target);
    await new Promise<void>((resolve) => tap.server.listen(0, '127.0.0.1', resolve));
    tap.port_ = (tap.server.address() as AddressInfo).port;
    return tap;
  }

  /** The chunks sent since `from` (an index into `sent`) that contain `marker`. */
  chunksWith(marker: string, from = 0): string[] {
    return this.sent.slice(from).filter((chunk) => chunk.includes(marker));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
