// Measurements shared by the figures: keystroke round trips, draining an output stream, pasting,
// and the bare `ws` floor in a second Node process.
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { tsx } from './processes.ts';
import type { BenchTerminal, Chunk } from './terminals.ts';

/** `count` sequential 1-byte round trips (write `x`, wait for one byte back); ms each. */
export function roundTrips(term: BenchTerminal, count: number): Promise<number[]> {
  return new Promise((resolve) => {
    const times: number[] = [];
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      term.write('x');
    };
    term.listen((chunk) => {
      // one byte back per byte sent (raw mode, no echo from the terminal itself: cat's output)
      for (let i = 0; i < chunk.length; i++) {
        times.push(performance.now() - sentAt);
        if (times.length === count) {
          term.listen(() => {});
          return resolve(times);
        }
      }
      send();
    });
    send();
  });
}

/** Reads until `bytes` arrived; MB/s (10^6 bytes) from the first byte to the last. */
export function drain(term: BenchTerminal, bytes: number): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    let first = 0;
    term.listen((chunk: Chunk) => {
      if (received === 0) first = performance.now();
      received += chunk.length;
      if (received >= bytes) {
        term.listen(() => {});
        resolve(bytes / 1e6 / ((performance.now() - first) / 1000));
      }
    });
  });
}

/** Writes `bytes` of printable text in 64 KiB pieces, as a paste split into frames would arrive. */
export function paste(term: BenchTerminal, bytes: number): void {
  const piece = 'abcdefghijklmnop'.repeat(4096);
  for (let left = bytes; left > 0; left -= piece.length) term.write(left >= piece.length ? piece : piece.slice(0, left));
}

/** The floor for the network path: a bare `ws` client here talking to ws-floor-server.ts in another process. */
export class WsFloor {
  private constructor(
    readonly child: ChildProcess,
    readonly ws: WebSocket,
  ) {}

  static async start(): Promise<WsFloor> {
    const child = spawn(tsx, ['bench/ws-floor-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
    });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new WsFloor(child, ws);
  }

  /** `count` sequential 1-byte echoes; ms each. */
  roundTrips(count: number): Promise<number[]> {
    return new Promise((resolve) => {
      const times: number[] = [];
      const one = Buffer.from('x');
      let sentAt = performance.now();
      const onMessage = () => {
        times.push(performance.now() - sentAt);
        if (times.length === count) {
          this.ws.off('message', onMessage);
          return resolve(times);
        }
        sentAt = performance.now();
        this.ws.send(one);
      };
      this.ws.on('message', onMessage);
      this.ws.send(one);
    });
  }

  /** MB/s of a `bytes`-long binary stream from the other process, first byte to last. */
  stream(bytes: number): Promise<number> {
    return new Promise((resolve) => {
      let received = 0;
      let first = 0;
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          this.ws.off('message', onMessage);
          return resolve(received / 1e6 / ((performance.now() - first) / 1000));
        }
        if (received === 0) first = performance.now();
        received += data.length;
      };
      this.ws.on('message', onMessage);
      this.ws.send(`stream ${bytes}`);
    });
  }

  close(): void {
    this.ws.close();
    this.child.kill('SIGTERM');
  }
}
