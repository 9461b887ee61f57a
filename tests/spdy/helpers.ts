// Shared by the SPDY tests: a connected TCP socket pair and a scripted raw peer that speaks
// frames directly, so a test can play a misbehaving or a strictly flow-controlling peer.
import net from 'node:net';
import { encodeFrame, type Frame, type HeaderFrame } from '../../src/spdy/frames.ts';
import { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from '../../src/spdy/header-block.ts';
import { HeaderDeflater, HeaderInflater } from '../../src/spdy/header-compression.ts';
import { FrameParser } from '../../src/spdy/parser.ts';

export async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const { port } = server.address() as net.AddressInfo;
  const dialled = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => dialled.once('connect', () => resolve()));
  const other = await accepted;
  server.close();
  return [dialled, other];
}

export type DecodedFrame = Frame & { headers?: SpdyHeaders };

/** The far end of a socket, driven frame by frame by the test. */
export class RawPeer {
  readonly frames: DecodedFrame[] = [];
  private readonly parser = new FrameParser();
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private chain: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];
  /** a frame that could not be read (a header block that does not inflate): `next` throws it */
  private failure: Error | undefined;
  private closed = false;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Uint8Array) => {
      if (this.parser.failure) return; // said once, below
      const frames = this.parser.push(chunk);
      for (const frame of frames) {
        this.chain = this.chain
          .then(async () => {
            const decoded: DecodedFrame = { ...frame };
            if ('headerBlock' in frame) decoded.headers = decodeHeaderBlock(await this.inflater.inflate(frame.headerBlock));
            this.frames.push(decoded);
          })
          // never unhandled: a frame still being read when the test closes this peer fails then (its inflater is gone), and
          // that rejection, unheard, ended the test process in the middle of a later file
          .catch((error: Error) => void (this.closed || (this.failure ??= error)))
          .finally(() => {
            for (const wake of this.waiters.splice(0)) wake();
          });
      }
      // what the session sent does not parse: `next` says so, after the frames before it
      const bad = this.parser.failure;
      if (bad) this.chain = this.chain.then(() => void (this.failure ??= bad)).finally(() => this.waiters.splice(0).forEach((wake) => wake()));
    });
  }

  /** Resolves with the first received frame (from `from` on) that matches. */
  async next(match: (frame: DecodedFrame) => boolean, from = 0): Promise<DecodedFrame> {
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrame(frame));
  }

  #pingId = 1;

  /**
   * Resolves once the session has handled every frame sent before, and everything it wrote in
   * answer has arrived: frames are handled and written in order, so its echo of a PING comes last.
   */
  async barrier(): Promise<void> {
    const id = this.#pingId;
    this.#pingId += 2; // a client's pings are odd
    const from = this.frames.length;
    this.send({ type: 'ping', id });
    await this.next((frame) => frame.type === 'ping' && frame.id === id, from);
  }

  async sendWithHeaders(frame: HeaderFrame, headers: SpdyHeaders): Promise<void> {
    const headerBlock = await this.deflater.deflate(encodeHeaderBlock(headers));
    this.socket.write(encodeFrame({ ...frame, headerBlock }));
  }

  close(): void {
    this.closed = true;
    this.deflater.close();
    this.inflater.close();
    this.socket.destroy();
  }
}

export const dataBytes = (frames: DecodedFrame[], streamId: number): number =>
  frames.reduce((sum, f) => sum + (f.type === 'data' && f.streamId === streamId ? f.data.length : 0), 0);

export function onceEvent<T extends unknown[]>(emitter: { once(event: string, listener: (...args: T) => void): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (...args: T) => resolve(args)));
}
