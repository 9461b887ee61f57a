// A SPDY/3.1 connection over a byte stream (the socket after an HTTP upgrade), in either role.
// It owns the two header compression contexts, the stream table and the receive windows;
// outgoing DATA and the peer's windows are data-sender.ts's, the order of outgoing frames
// ordered-writer.ts's. Streams only ever talk to it through StreamHost.
//
// Ordering is the one subtle part: header blocks are (de)compressed asynchronously by zlib,
// but frames must leave and be handled in wire order, because each compressed block depends
// on the ones before it and DATA must not overtake the SYN_STREAM/SYN_REPLY of its stream.
// Both directions therefore go through a FIFO that only waits while a header block is in zlib.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { SpdyProtocolError } from './errors.ts';
import { DEFAULT_INITIAL_WINDOW_SIZE, ReceiveWindow } from './flow-control.ts';
import { DataSender } from './data-sender.ts';
import { OrderedWriter, type Outgoing } from './ordered-writer.ts';
import { OverrunBrake } from './overrun-brake.ts';
import type { SpdyRole, SpdySessionEvents, SpdySessionOptions } from './session-options.ts';
import { Pings } from './pings.ts';
import {
  encodeFrame,
  type Frame,
  GoAwayStatus,
  type HeaderFrame,
  RstStatus,
  SettingId,
  type SettingsFrame,
  type WindowUpdateFrame,
} from './frames.ts';
import { decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from './header-block.ts';
import { HeaderDeflater, HeaderInflater } from './header-compression.ts';
import { FrameParser } from './parser.ts';
import { SpdyStream, type StreamHost } from './stream.ts';

export { MAX_OUTGOING_DATA_FRAME } from './data-sender.ts';
/**
 * Our answers (PING echoes, RST_STREAMs, WINDOW_UPDATEs) a peer may leave unread before we stop
 * reading it: it could otherwise make us queue them without end by sending and never reading.
 * Our DATA never gets near: it waits for the socket to drain (data-sender.ts).
 */
const MAX_UNREAD_WRITES = 1024 * 1024;
/** DATA that may queue behind a header block in zlib before a stream's writes are told to wait */
const MAX_DATA_BEHIND_HEADERS = 64 * 1024;

export type { SpdyRole, SpdySessionEvents, SpdySessionOptions } from './session-options.ts';

interface StreamState {
  stream: SpdyStream;
  receive: ReceiveWindow;
}

export class SpdySession extends EventEmitter<SpdySessionEvents> implements StreamHost {
  readonly role: SpdyRole;
  private readonly socket: Duplex;
  private readonly parser: FrameParser;
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly streams = new Map<number, StreamState>();
  private readonly pings: Pings;
  private readonly receiveWindowSize: number;
  private readonly sender: DataSender;
  private readonly writer: OrderedWriter;
  private readonly sessionReceive = new ReceiveWindow(DEFAULT_INITIAL_WINDOW_SIZE);
  private nextStreamId: number;
  private lastPeerStreamId = 0;
  /** frames to handle in wire order; a protocol error found after them ends the queue */
  private readonly inbound: (Frame | SpdyProtocolError)[] = [];
  private inboundBusy = false;
  private readonly brake: OverrunBrake;
  private sentGoAway = false;
  private receivedGoAway = false;
  private closing = false;
  private closed = false;
  private failure: Error | undefined;

  constructor(socket: Duplex, options: SpdySessionOptions) {
    super();
    this.socket = socket;
    this.role = options.role;
    this.parser = new FrameParser(options);
    this.receiveWindowSize = options.initialWindowSize ?? DEFAULT_INITIAL_WINDOW_SIZE;
    this.brake = new OverrunBrake(this.receiveWindowSize, options.reading ?? { stop: () => socket.pause(), start: () => socket.resume() });
    this.writer = new OrderedWriter(
      (bytes) => {
        socket.write(bytes);
        if (socket.writableLength > MAX_UNREAD_WRITES) this.brake.hold(socket);
      },
      (error) => this.destroy(error),
      () => (this.sender.flushAll(), this.endIfIdle()),
    );
    // While the writer waits for zlib, what is written queues in it, not in the socket: past a
    // little, DATA waits too, or a producer would see no backpressure and fill that queue.
    this.sender = new DataSender(
      { data: (streamId, data, fin) => this.write(encodeFrame({ type: 'data', streamId, fin, data })), blocked: () => socket.writableNeedDrain || this.writer.queuedBytes >= MAX_DATA_BEHIND_HEADERS },
      options.peerFlowControl === 'strict',
    );
    // SPDY: client-initiated streams and pings are odd, the server's even.
    this.nextStreamId = this.role === 'client' ? 1 : 2;
    this.pings = new Pings(this.role, (id) => this.write(encodeFrame({ type: 'ping', id })));

    socket.on('data', (chunk: Uint8Array) => this.onBytes(chunk));
    socket.on('drain', () => (this.brake.release(socket), this.sender.flushAll()));
    socket.on('end', () => socket.end());
    socket.on('error', (error: Error) => (this.failure ??= error));
    socket.on('close', () => this.teardown(this.failure));

    if (options.announceWindow || this.receiveWindowSize !== DEFAULT_INITIAL_WINDOW_SIZE) {
      this.write(encodeFrame({
        type: 'settings',
        clear: false,
        settings: [{ id: SettingId.InitialWindowSize, value: this.receiveWindowSize, flags: 0 }],
      }));
    }
    const head = options.head;
    // After the caller had a chance to listen for 'stream' and 'close'.
    if (head?.length) queueMicrotask(() => this.onBytes(head));
  }

  /** Opens a stream (SYN_STREAM). Await `stream.response` for the peer's SYN_REPLY. */
  openStream(headers: SpdyHeaders, options: { fin?: boolean; priority?: number } = {}): SpdyStream {
    if (this.closed || this.closing) throw new Error('SPDY session is closed');
    if (this.receivedGoAway) throw new Error('SPDY peer sent GOAWAY: no new streams');
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = this.track(streamId, headers);
    const fin = options.fin ?? false;
    this.writeHeaderFrame({
      type: 'syn_stream',
      streamId,
      associatedToStreamId: 0,
      priority: options.priority ?? 0,
      slot: 0,
      fin,
      unidirectional: false,
      headerBlock: encodeHeaderBlock(headers),
    });
    if (fin) stream.end();
    return stream;
  }

  /** Sends a PING; resolves with the round trip in milliseconds, rejects if the session ends first. */
  ping(): Promise<number> {
    if (this.closed) return Promise.reject(new Error('SPDY session is closed'));
    return this.pings.ping();
  }

  /** Tells the peer we accept no new streams (GOAWAY); existing streams carry on. */
  goAway(status: number = GoAwayStatus.Ok): void {
    if (this.sentGoAway || this.closed) return;
    this.sentGoAway = true;
    this.write(encodeFrame({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status }));
  }

  /** Graceful end: GOAWAY now, the socket ends once the last stream is done. */
  close(): void {
    if (this.closed) return;
    this.goAway();
    this.closing = true;
    this.endIfIdle();
  }

  /** Immediate end: the socket is destroyed and every stream with it. */
  destroy(error?: Error): void {
    this.failure ??= error;
    this.socket.destroy();
    this.teardown(this.failure);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- StreamHost --------------------------------------------------------------------------

  sendData(stream: SpdyStream, chunk: Uint8Array, done: (error?: Error | null) => void): void {
    if (this.closed || !this.sender.send(stream.id, chunk, done)) done(new Error('SPDY session is closed'));
  }

  sendFin(stream: SpdyStream, done: (error?: Error | null) => void): void {
    if (this.closed || !this.sender.finish(stream.id, done)) done(new Error('SPDY session is closed'));
  }

  sendReply(stream: SpdyStream, headers: SpdyHeaders, fin: boolean): void {
    if (this.closed) return;
    this.writeHeaderFrame({ type: 'syn_reply', streamId: stream.id, fin, headerBlock: encodeHeaderBlock(headers) });
  }

  consumed(stream: SpdyStream, bytes: number): void {
    const state = this.streams.get(stream.id);
    if (state && bytes > 0 && !this.closed) {
      const delta = state.receive.consume(bytes);
      // After the peer's FIN it sends nothing more: no point reopening its window.
      if (delta && !stream.remoteEnded) this.write(encodeFrame({ type: 'window_update', streamId: stream.id, delta }));
      this.creditSession(bytes);
    }
    if (!this.closed) this.brake.drained(stream, stream.readableLength);
  }

  released(stream: SpdyStream, reset: number | undefined): void {
    const state = this.streams.get(stream.id);
    if (!state) return;
    this.streams.delete(stream.id);
    this.sender.close(stream.id, new Error(`SPDY stream ${stream.id} was closed`));
    if (this.closed) return;
    this.brake.drained(stream, 0);
    if (reset !== undefined) this.write(encodeFrame({ type: 'rst_stream', streamId: stream.id, status: reset }));
    this.endIfIdle();
  }

  // ---- inbound -----------------------------------------------------------------------------

  private onBytes(chunk: Uint8Array): void {
    // After a bad frame nothing more is read: its error waits in the queue behind the good frames.
    if (this.closed || this.parser.failure) return;
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch (error) {
      return this.fail(error as Error);
    }
    // The frames before a bad one (in this read or queued from earlier ones) are handled first:
    // the last output of an exec may be among them.
    const failure = this.parser.failure;
    if (!frames.length && !failure) return;
    this.inbound.push(...frames, ...(failure ? [failure] : []));
    if (!this.inboundBusy) void this.drainInbound();
    // Frames left waiting behind a header block in zlib: read no more until they are handled.
    if (this.inbound.length) this.brake.hold(this.inbound);
  }

  private async drainInbound(): Promise<void> {
    this.inboundBusy = true;
    try {
      while (this.inbound.length && !this.closed) {
        const frame = this.inbound.shift()!;
        if (frame instanceof SpdyProtocolError) throw frame;
        if (frame.type === 'syn_stream' || frame.type === 'syn_reply' || frame.type === 'headers') {
          // Always inflate, even for a stream we will refuse: the zlib context must see every block.
          const headers = decodeHeaderBlock(await this.inflater.inflate(frame.headerBlock));
          if (this.closed) return;
          this.onHeaderFrame(frame, headers);
        } else {
          this.onFrame(frame);
        }
      }
    } catch (error) {
      this.fail(error as Error);
    } finally {
      this.inboundBusy = false;
      if (!this.closed) this.brake.release(this.inbound);
    }
  }

  private onHeaderFrame(frame: HeaderFrame, headers: SpdyHeaders): void {
    if (frame.type === 'syn_stream') {
      const peerParity = this.role === 'server' ? 1 : 0;
      if (frame.streamId % 2 !== peerParity || frame.streamId <= this.lastPeerStreamId) {
        throw new SpdyProtocolError('protocol-error', `SYN_STREAM with stream id ${frame.streamId} (last was ${this.lastPeerStreamId})`);
      }
      this.lastPeerStreamId = frame.streamId;
      // With nobody to take it (the exec adapter's client), its unread data would hold the socket.
      if (this.sentGoAway || this.listenerCount('stream') === 0) {
        this.write(encodeFrame({ type: 'rst_stream', streamId: frame.streamId, status: RstStatus.RefusedStream }));
        return;
      }
      const stream = this.track(frame.streamId, headers);
      this.emit('stream', stream);
      if (frame.fin) stream.onRemoteEnd();
      return;
    }
    const state = this.streams.get(frame.streamId);
    if (!state) return; // a stream we already reset or closed: its late frames are harmless
    if (frame.type === 'syn_reply' && !state.stream.onReply(headers)) {
      state.stream.reset(RstStatus.StreamInUse);
      return;
    }
    if (frame.type === 'headers') state.stream.emit('headers', headers);
    if (frame.fin) state.stream.onRemoteEnd();
  }

  private onFrame(frame: Exclude<Frame, HeaderFrame>): void {
    switch (frame.type) {
      case 'data':
        return this.onDataFrame(frame.streamId, frame.data, frame.fin);
      case 'rst_stream':
        this.streams.get(frame.streamId)?.stream.onReset(frame.status);
        return;
      case 'settings':
        return this.onSettings(frame);
      case 'window_update':
        return this.onWindowUpdate(frame);
      case 'ping':
        if (this.pings.isOurs(frame.id)) return this.pings.echoed(frame.id);
        this.write(encodeFrame(frame));
        this.emit('peerPing');
        return;
      case 'goaway': {
        this.receivedGoAway = true;
        // Our streams above lastGoodStreamId were never seen by the peer.
        const ourParity = this.role === 'client' ? 1 : 0;
        for (const { stream } of [...this.streams.values()]) {
          if (stream.id % 2 === ourParity && stream.id > frame.lastGoodStreamId) stream.onReset(RstStatus.RefusedStream);
        }
        this.emit('goaway', frame.lastGoodStreamId, frame.status);
        return;
      }
    }
  }

  private onDataFrame(streamId: number, data: Uint8Array, fin: boolean): void {
    const state = this.streams.get(streamId);
    if (!state) {
      // Late data for a stream we already let go: nobody will read it, give the window back.
      this.creditSession(data.length);
      return;
    }
    if (!state.stream.onData(data)) {
      this.creditSession(data.length);
      state.stream.reset(RstStatus.StreamAlreadyClosed);
      return;
    }
    if (fin) state.stream.onRemoteEnd();
    // Only a peer that ignores our windows gets past its window; TCP is the only brake left.
    this.brake.received(state.stream, state.stream.readableLength);
  }

  private onSettings(frame: SettingsFrame): void {
    for (const setting of frame.settings) if (setting.id === SettingId.InitialWindowSize) this.sender.peerInitialWindow(setting.value);
  }

  private onWindowUpdate(frame: WindowUpdateFrame): void {
    if (!this.sender.peerWindowUpdate(frame.streamId, frame.delta)) this.streams.get(frame.streamId)?.stream.reset(RstStatus.FlowControlError);
  }

  private creditSession(bytes: number): void {
    const delta = this.sessionReceive.consume(bytes);
    if (delta) this.write(encodeFrame({ type: 'window_update', streamId: 0, delta }));
  }

  // ---- outbound ----------------------------------------------------------------------------

  private track(streamId: number, headers: SpdyHeaders): SpdyStream {
    const stream = new SpdyStream(this, streamId, headers, this.receiveWindowSize);
    this.streams.set(streamId, { stream, receive: new ReceiveWindow(this.receiveWindowSize) });
    this.sender.open(streamId);
    return stream;
  }

  private writeHeaderFrame(frame: HeaderFrame): void {
    this.write(this.deflater.deflate(frame.headerBlock).then((headerBlock) => encodeFrame({ ...frame, headerBlock })));
  }

  private write(bytes: Outgoing): void {
    if (!this.closed) this.writer.write(bytes);
  }

  private endIfIdle(): void {
    if (this.closing && !this.closed && this.streams.size === 0 && !this.writer.busy) this.socket.end();
  }

  // ---- the end ---------------------------------------------------------------------------

  /** A protocol violation: tell the peer (GOAWAY), then drop the connection. */
  private fail(error: Error): void {
    if (this.closed) return;
    if (!(error instanceof SpdyProtocolError)) return this.destroy(error);
    this.failure ??= error;
    if (!this.sentGoAway) {
      this.sentGoAway = true;
      this.socket.write(encodeFrame({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status: GoAwayStatus.ProtocolError }));
    }
    this.socket.end();
    this.teardown(error);
  }

  private teardown(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    // Without the error: a client going away (ECONNRESET) is routine, and an 'error' on every
    // stream would crash whoever did not listen. 'close' without 'end' says enough; the
    // session's 'close' carries the reason.
    for (const { stream } of [...this.streams.values()]) stream.destroy();
    this.streams.clear();
    this.pings.failAll(error ?? new Error('SPDY session closed'));
    this.writer.stop();
    this.inbound.length = 0;
    this.deflater.close();
    this.inflater.close();
    this.emit('close', error);
  }
}
