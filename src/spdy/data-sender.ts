// Outgoing DATA of a SPDY/3.1 session: each stream's queue of writes and its FIN, cut into
// frames of at most MAX_OUTGOING_DATA_FRAME and held back by the peer's windows (per stream, and
// for the whole session) when the peer does flow control. Kubernetes' SPDY peers (kubectl, the
// API server, the kubelet: Go's spdystream) never send WINDOW_UPDATE and ignore ours: honouring a
// window they never reopen would stall every exec after 64 KiB, so by default windows count only
// once the peer shows it uses them (any WINDOW_UPDATE, or a SETTINGS with an initial window).
import { SpdyProtocolError } from './errors.ts';
import { DEFAULT_INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE, SendWindow } from './flow-control.ts';

/** We cut outgoing DATA into frames of at most this, so one big write cannot hog the connection. */
export const MAX_OUTGOING_DATA_FRAME = 16 * 1024;

type Done = (error?: Error | null) => void;

interface Outgoing {
  window: SendWindow;
  queue: { data: Uint8Array; done: Done }[];
  /** our FIN, waiting behind queued data */
  fin: Done | undefined;
}

export interface DataWire {
  /** writes one DATA frame */
  data(streamId: number, data: Uint8Array, fin: boolean): void;
  /** the socket wants draining first */
  blocked(): boolean;
}

export class DataSender {
  readonly #streams = new Map<number, Outgoing>();
  readonly #session = new SendWindow(DEFAULT_INITIAL_WINDOW_SIZE);
  #peerInitialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  #peerUsesStreamWindows = false;
  #peerUsesSessionWindow = false;

  constructor(
    private readonly wire: DataWire,
    /** hold DATA back by the windows always, as the SPDY/3.1 draft says */
    private readonly strict: boolean,
  ) {}

  open(streamId: number): void {
    this.#streams.set(streamId, { window: new SendWindow(this.#peerInitialWindow), queue: [], fin: undefined });
  }

  /** The stream is gone: what it still had queued fails with `error`. */
  close(streamId: number, error: Error): void {
    const stream = this.#streams.get(streamId);
    this.#streams.delete(streamId);
    for (const pending of stream?.queue.splice(0) ?? []) pending.done(error);
    stream?.fin?.(error);
  }

  /** False when the stream is not open. */
  send(streamId: number, data: Uint8Array, done: Done): boolean {
    const stream = this.#streams.get(streamId);
    if (!stream) return false;
    stream.queue.push({ data, done });
    this.#flush(streamId, stream);
    return true;
  }

  /** Our FIN, after what is queued. False when the stream is not open. */
  finish(streamId: number, done: Done): boolean {
    const stream = this.#streams.get(streamId);
    if (!stream) return false;
    stream.fin = done;
    this.#flush(streamId, stream);
    return true;
  }

  /** The peer's SETTINGS gave every stream a new initial window. */
  peerInitialWindow(size: number): void {
    if (size > MAX_WINDOW_SIZE) throw new SpdyProtocolError('protocol-error', `initial window of ${size}`);
    this.#peerUsesStreamWindows = true;
    const change = size - this.#peerInitialWindow;
    this.#peerInitialWindow = size;
    for (const stream of this.#streams.values()) {
      if (change >= 0) stream.window.grow(change);
      else stream.window.spend(-change);
    }
    this.flushAll();
  }

  /**
   * The peer's WINDOW_UPDATE; false when it overflows the window of a stream with DATA waiting to
   * go (reset the stream). With nothing waiting the overflow is ignored: the window only matters
   * to what we send, and a reset would throw away what the peer sent on the stream, such as an
   * exec's output, a direction in which we never send.
   */
  peerWindowUpdate(streamId: number, delta: number): boolean {
    this.#peerUsesStreamWindows = true;
    if (streamId === 0) {
      this.#peerUsesSessionWindow = true;
      if (!this.#session.grow(delta)) throw new SpdyProtocolError('protocol-error', 'session window above 2^31-1');
      this.flushAll();
      return true;
    }
    const stream = this.#streams.get(streamId);
    if (!stream) return true;
    if (!stream.window.grow(delta)) return stream.queue.length === 0;
    this.#flush(streamId, stream);
    return true;
  }

  /** The socket drained, or windows opened: send what waits. */
  flushAll(): void {
    for (const [streamId, stream] of this.#streams) this.#flush(streamId, stream);
  }

  /** How many bytes of DATA the stream may send right now. */
  #allowance(stream: Outgoing): number {
    let allowed = MAX_OUTGOING_DATA_FRAME;
    if (this.strict || this.#peerUsesStreamWindows) allowed = Math.min(allowed, stream.window.available);
    if (this.strict || this.#peerUsesSessionWindow) allowed = Math.min(allowed, this.#session.available);
    return allowed;
  }

  #flush(streamId: number, stream: Outgoing): void {
    while (stream.queue.length && !this.wire.blocked()) {
      const head = stream.queue[0]!;
      const size = Math.min(head.data.length, this.#allowance(stream));
      if (size <= 0 && head.data.length > 0) return; // wait for WINDOW_UPDATE
      stream.window.spend(size);
      this.#session.spend(size);
      if (size) this.wire.data(streamId, head.data.subarray(0, size), false);
      if (size === head.data.length) {
        stream.queue.shift();
        head.done();
      } else {
        head.data = head.data.subarray(size);
      }
    }
    if (!stream.queue.length && stream.fin) {
      const done = stream.fin;
      stream.fin = undefined;
      this.wire.data(streamId, new Uint8Array(0), true);
      done();
    }
  }
}
