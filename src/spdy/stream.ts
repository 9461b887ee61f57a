// One SPDY stream as a node Duplex: the readable side is what the peer sends (ends on its FIN),
// the writable side is what we send (end() sends our FIN). Backpressure works the usual way on
// both sides; the session turns our reading into WINDOW_UPDATEs and the peer's windows into
// delayed write callbacks.
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.ts';
import type { SpdyHeaders } from './header-block.ts';

/** What a stream needs from its session; the session implements it. */
export interface StreamHost {
  sendData(stream: SpdyStream, chunk: Uint8Array, done: (error?: Error | null) => void): void;
  sendFin(stream: SpdyStream, done: (error?: Error | null) => void): void;
  sendReply(stream: SpdyStream, headers: SpdyHeaders, fin: boolean): void;
  /** the consumer took `bytes` more */
  consumed(stream: SpdyStream, bytes: number): void;
  /** the stream is gone; `reset` is the RST_STREAM status to send, if any */
  released(stream: SpdyStream, reset: number | undefined): void;
}

/** The peer reset the stream (RST_STREAM) with a status other than CANCEL. */
export class SpdyStreamResetError extends Error {
  override readonly name = 'SpdyStreamResetError';
  constructor(
    readonly streamId: number,
    readonly status: number,
  ) {
    super(`SPDY stream ${streamId} reset by the peer (status ${status})`);
  }
}

export class SpdyStream extends Duplex {
  /** RST_STREAM status, once the stream was reset by either side */
  resetStatus: number | undefined;
  /** the peer's FIN arrived (it may still sit unread in the readable buffer) */
  remoteEnded = false;
  private received = 0;
  private reported = 0;
  /** the reset (resetStatus) was the peer's RST_STREAM, not ours */
  resetByPeer = false;
  private replied = false;
  private settleResponse!: { resolve: (headers: SpdyHeaders) => void; reject: (error: Error) => void };
  /**
   * SYN_REPLY headers: the peer's for a stream we opened, ours (once reply() ran) for a stream
   * the peer opened. Rejects if the stream goes before a reply.
   */
  readonly response: Promise<SpdyHeaders>;

  constructor(
    private readonly host: StreamHost,
    readonly id: number,
    /** SYN_STREAM headers: the peer's, or ours for a stream we opened */
    readonly headers: SpdyHeaders,
    receiveWindowSize: number,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: receiveWindowSize });
    this.response = new Promise((resolve, reject) => (this.settleResponse = { resolve, reject }));
    // Nobody has to await the reply; a stream that dies early must not crash the process.
    this.response.catch(() => undefined);
  }

  /** Server side: accept a stream the peer opened (SYN_REPLY). */
  reply(headers: SpdyHeaders = {}, options: { fin?: boolean } = {}): void {
    if (this.replied) throw new Error(`SPDY stream ${this.id} already has a reply`);
    this.replied = true;
    this.host.sendReply(this, headers, options.fin ?? false);
    this.settleResponse.resolve(headers);
    if (options.fin) this.end();
  }

  /** Abort the stream in both directions with RST_STREAM (default CANCEL). */
  reset(status: number = RstStatus.Cancel): void {
    if (this.destroyed) return;
    this.resetStatus = status;
    this.destroy();
  }

  /** @internal session: the peer's SYN_REPLY arrived */
  onReply(headers: SpdyHeaders): boolean {
    if (this.replied) return false;
    this.replied = true;
    this.settleResponse.resolve(headers);
    return true;
  }

  /** @internal session: DATA payload arrived; false if the peer had already sent FIN */
  onData(data: Uint8Array): boolean {
    if (this.remoteEnded) return false;
    this.received += data.length;
    if (data.length) this.push(data);
    this.reportConsumed();
    return true;
  }

  /** @internal session: the peer's FIN */
  onRemoteEnd(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.push(null);
  }

  /** @internal session: the peer reset the stream */
  onReset(status: number): void {
    this.resetStatus = status;
    this.resetByPeer = true;
    this.destroy(status === RstStatus.Cancel ? undefined : new SpdyStreamResetError(this.id, status));
  }

  /**
   * Every way of consuming (flowing 'data', paused read(), pipe) goes through read(), and the
   * buffer has shrunk once it returns: the one place to see what the consumer took.
   */
  override read(size?: number): any {
    const chunk = super.read(size);
    this.reportConsumed();
    return chunk;
  }

  override _read(): void {
    // Nothing to fetch: the session pushes DATA as it arrives; read() reports consumption.
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.host.sendData(this, chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.host.sendFin(this, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.replied) this.settleResponse.reject(error ?? new Error(`SPDY stream ${this.id} closed before its reply`));
    this.host.released(this, this.resetToSend(error));
    callback(error);
  }

  private resetToSend(error: Error | null): number | undefined {
    if (this.resetByPeer) return undefined; // never answer an RST with an RST
    if (this.resetStatus !== undefined) return this.resetStatus;
    // Ended both ways: nothing to abort, and an RST would only confuse the peer.
    if (this.remoteEnded && this.writableFinished) return undefined;
    return error ? RstStatus.InternalError : RstStatus.Cancel;
  }

  private reportConsumed(): void {
    const delivered = this.received - this.readableLength;
    const bytes = delivered - this.reported;
    this.reported = delivered;
    if (bytes > 0) this.host.consumed(this, bytes);
  }
}
