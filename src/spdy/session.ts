// A SPDY/3.1 connection over a byte stream (the socket after an HTTP upgrade), in either role.
// It owns the two header compression contexts, the stream table and the flow control
// windows; streams only ever talk to it through StreamHost.
//
// Ordering is the one subtle part: header blocks are (de)compressed asynchronously by zlib,
// but frames must leave and be handled in wire order, because each compressed block depends
// on the ones before it and DATA must not overtake the SYN_STREAM/SYN_REPLY of its stream.
// Both directions therefore go through a FIFO that only waits while a header block is in zlib.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { SpdyProtocolError } from './errors.ts';
import { DEFAULT_INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE, ReceiveWindow, SendWindow } from './flow-control.ts';
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
import { FrameParser, type FrameParserOptions } from './parser.ts';
import { SpdyStream, type StreamHost } from './stream.ts';

/** We cut outgoing DATA into frames of at most this, so one big write cannot hog the connection. */
export const MAX_OUTGOING_DATA_FRAME = 16 * 1024;

export type SpdyRole = 'client' | 'server';

export interface SpdySessionOptions extends FrameParserOptions {
  role: SpdyRole;
  /** bytes that arrived together with the HTTP upgrade response/request (node's `head`) */
  head?: Uint8Array;
  /** our receive window per stream; announced with SETTINGS when it is not the default 64 KiB */
  initialWindowSize?: number;
  /**
   * When to hold DATA back because the peer's window is used up.
   * - 'auto' (default): once the peer shows it does flow control (any WINDOW_UPDATE, or a
   *   SETTINGS with an initial window). Kubernetes' SPDY peers (kubectl, API server, kubelet:
   *   Go's spdystream) never send WINDOW_UPDATE and ignore ours; honouring a window they never
   *   reopen would stall every exec after 64 KiB. TCP backpressure still applies.
   * - 'strict': always, as the SPDY/3.1 draft says.
   */
  peerFlowControl?: 'auto' | 'strict';
}

export interface SpdySessionEvents {
  /** the peer opened a stream (SYN_STREAM); answer with stream.reply() or stream.reset() */
  stream: [stream: SpdyStream];
  /** the peer will accept no new streams; those above lastGoodStreamId were never processed */
  goaway: [lastGoodStreamId: number, status: number];
  /** the connection is gone; every stream has been destroyed (without an error). `error` if it failed */
  close: [error?: Error];
  /** the peer pinged us (answered already): it is alive, even if it reads nothing now */
  peerPing: [];
}

interface PendingWrite {
  data: Uint8Array;
  done: (error?: Error | null) => void;
}

interface StreamState {
  stream: SpdyStream;
  send: SendWindow;
  receive: ReceiveWindow;
  queue: PendingWrite[];
  /** our FIN, waiting behind queued data */
  fin: ((error?: Error | null) => void) | undefined;
}

interface PendingPing {
  sentAt: number;
  resolve: (roundTripMs: number) => void;
  reject: (error: Error) => void;
}

/** Outgoing bytes, or a promise of them while a header block is being compressed. */
type Outgoing = Uint8Array | Promise<Uint8Array>;

export class SpdySession extends EventEmitter<SpdySessionEvents> implements StreamHost {
  readonly role: SpdyRole;
  private readonly socket: Duplex;
  private readonly parser: FrameParser;
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly streams = new Map<number, StreamState>();
  private readonly pings = new Map<number, PendingPing>();
  private readonly receiveWindowSize: number;
  private readonly strictFlowControl: boolean;
  private peerInitialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  private peerUsesStreamWindows = false;
  private peerUsesSessionWindow = false;
  private readonly sessionSend = new SendWindow(DEFAULT_INITIAL_WINDOW_SIZE);
  private readonly sessionReceive = new ReceiveWindow(DEFAULT_INITIAL_WINDOW_SIZE);
  private nextStreamId: number;
  private nextPingId: number;
  private lastPeerStreamId = 0;
  private readonly inbound: Frame[] = [];
  private inboundBusy = false;
  private readonly outbound: Outgoing[] = [];
  private outboundBusy = false;
  /** streams whose unread data passed their window: the socket stays paused until they drain */
  private readonly overrun = new Set<SpdyStream>();
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
    this.strictFlowControl = options.peerFlowControl === 'strict';
    // SPDY: client-initiated streams and pings are odd, the server's even.
    this.nextStreamId = this.role === 'client' ? 1 : 2;
    this.nextPingId = this.role === 'client' ? 1 : 2;

    socket.on('data', (chunk: Uint8Array) => this.onBytes(chunk));
    socket.on('drain', () => this.flushAll());
    socket.on('end', () => socket.end());
    socket.on('error', (error: Error) => (this.failure ??= error));
    socket.on('close', () => this.teardown(this.failure));

    if (this.receiveWindowSize !== DEFAULT_INITIAL_WINDOW_SIZE) {
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
    const id = this.nextPingId;
    this.nextPingId = (this.nextPingId + 2) % 0x100000000;
    return new Promise((resolve, reject) => {
      this.pings.set(id, { sentAt: performance.now(), resolve, reject });
      this.write(encodeFrame({ type: 'ping', id }));
    });
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
    const state = this.streams.get(stream.id);
    if (!state || this.closed) return done(new Error('SPDY session is closed'));
    state.queue.push({ data: chunk, done });
    this.flush(state);
  }

  sendFin(stream: SpdyStream, done: (error?: Error | null) => void): void {
    const state = this.streams.get(stream.id);
    if (!state || this.closed) return done(new Error('SPDY session is closed'));
    state.fin = done;
    this.flush(state);
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
    if (this.overrun.has(stream) && stream.readableLength <= this.receiveWindowSize) {
      this.overrun.delete(stream);
      if (this.overrun.size === 0) this.socket.resume();
    }
  }

  released(stream: SpdyStream, reset: number | undefined): void {
    const state = this.streams.get(stream.id);
    if (!state) return;
    this.streams.delete(stream.id);
    this.overrun.delete(stream);
    const gone = new Error(`SPDY stream ${stream.id} was closed`);
    for (const pending of state.queue.splice(0)) pending.done(gone);
    state.fin?.(gone);
    if (this.closed) return;
    if (this.overrun.size === 0 && this.socket.isPaused()) this.socket.resume();
    if (reset !== undefined) this.write(encodeFrame({ type: 'rst_stream', streamId: stream.id, status: reset }));
    this.endIfIdle();
  }

  // ---- inbound -----------------------------------------------------------------------------

  private onBytes(chunk: Uint8Array): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch (error) {
      return this.fail(error as Error);
    }
    if (!frames.length) return;
    this.inbound.push(...frames);
    if (!this.inboundBusy) void this.drainInbound();
  }

  private async drainInbound(): Promise<void> {
    this.inboundBusy = true;
    try {
      while (this.inbound.length && !this.closed) {
        const frame = this.inbound.shift()!;
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
    }
  }

  private onHeaderFrame(frame: HeaderFrame, headers: SpdyHeaders): void {
    if (frame.type === 'syn_stream') {
      const peerParity = this.role === 'server' ? 1 : 0;
      if (frame.streamId % 2 !== peerParity || frame.streamId <= this.lastPeerStreamId) {
        throw new SpdyProtocolError('protocol-error', `SYN_STREAM with stream id ${frame.streamId} (last was ${this.lastPeerStreamId})`);
      }
      this.lastPeerStreamId = frame.streamId;
      if (this.sentGoAway) {
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
      case 'ping': {
        const ours = frame.id % 2 === (this.role === 'client' ? 1 : 0);
        if (!ours) {
          this.write(encodeFrame(frame));
          this.emit('peerPing');
          return;
        }
        const pending = this.pings.get(frame.id);
        this.pings.delete(frame.id);
        pending?.resolve(performance.now() - pending.sentAt);
        return;
      }
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
    // Only a peer that ignores our windows gets here; TCP is the only brake left.
    if (state.stream.readableLength > this.receiveWindowSize && !this.overrun.has(state.stream)) {
      this.overrun.add(state.stream);
      this.socket.pause();
    }
  }

  private onSettings(frame: SettingsFrame): void {
    for (const setting of frame.settings) {
      if (setting.id !== SettingId.InitialWindowSize) continue;
      if (setting.value > MAX_WINDOW_SIZE) throw new SpdyProtocolError('protocol-error', `initial window of ${setting.value}`);
      this.peerUsesStreamWindows = true;
      const change = setting.value - this.peerInitialWindow;
      this.peerInitialWindow = setting.value;
      for (const state of this.streams.values()) {
        if (change >= 0) state.send.grow(change);
        else state.send.spend(-change);
      }
    }
    this.flushAll();
  }

  private onWindowUpdate(frame: WindowUpdateFrame): void {
    this.peerUsesStreamWindows = true;
    if (frame.streamId === 0) {
      this.peerUsesSessionWindow = true;
      if (!this.sessionSend.grow(frame.delta)) throw new SpdyProtocolError('protocol-error', 'session window above 2^31-1');
      return this.flushAll();
    }
    const state = this.streams.get(frame.streamId);
    if (!state) return;
    if (!state.send.grow(frame.delta)) return state.stream.reset(RstStatus.FlowControlError);
    this.flush(state);
  }

  private creditSession(bytes: number): void {
    const delta = this.sessionReceive.consume(bytes);
    if (delta) this.write(encodeFrame({ type: 'window_update', streamId: 0, delta }));
  }

  // ---- outbound ----------------------------------------------------------------------------

  private track(streamId: number, headers: SpdyHeaders): SpdyStream {
    const stream = new SpdyStream(this, streamId, headers, this.receiveWindowSize);
    this.streams.set(streamId, {
      stream,
      send: new SendWindow(this.peerInitialWindow),
      receive: new ReceiveWindow(this.receiveWindowSize),
      queue: [],
      fin: undefined,
    });
    return stream;
  }

  /** How many bytes of DATA the stream may send right now. */
  private allowance(state: StreamState): number {
    let allowed = MAX_OUTGOING_DATA_FRAME;
    if (this.strictFlowControl || this.peerUsesStreamWindows) allowed = Math.min(allowed, state.send.available);
    if (this.strictFlowControl || this.peerUsesSessionWindow) allowed = Math.min(allowed, this.sessionSend.available);
    return allowed;
  }

  private flush(state: StreamState): void {
    const streamId = state.stream.id;
    while (state.queue.length && !this.socket.writableNeedDrain) {
      const head = state.queue[0]!;
      const size = Math.min(head.data.length, this.allowance(state));
      if (size <= 0 && head.data.length > 0) return; // wait for WINDOW_UPDATE
      state.send.spend(size);
      this.sessionSend.spend(size);
      if (size) this.write(encodeFrame({ type: 'data', streamId, fin: false, data: head.data.subarray(0, size) }));
      if (size === head.data.length) {
        state.queue.shift();
        head.done();
      } else {
        head.data = head.data.subarray(size);
      }
    }
    if (!state.queue.length && state.fin) {
      const done = state.fin;
      state.fin = undefined;
      this.write(encodeFrame({ type: 'data', streamId, fin: true, data: new Uint8Array(0) }));
      done();
    }
  }

  private flushAll(): void {
    for (const state of this.streams.values()) this.flush(state);
  }

  private writeHeaderFrame(frame: HeaderFrame): void {
    this.write(this.deflater.deflate(frame.headerBlock).then((headerBlock) => encodeFrame({ ...frame, headerBlock })));
  }

  private write(bytes: Outgoing): void {
    if (this.closed) return;
    if (!this.outboundBusy && !(bytes instanceof Promise)) {
      this.socket.write(bytes);
      return;
    }
    this.outbound.push(bytes);
    if (!this.outboundBusy) void this.drainOutbound();
  }

  private async drainOutbound(): Promise<void> {
    this.outboundBusy = true;
    try {
      while (this.outbound.length) {
        const bytes = await this.outbound.shift()!;
        if (this.closed) return;
        this.socket.write(bytes);
      }
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.outboundBusy = false;
    }
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.closing && !this.closed && this.streams.size === 0 && !this.outboundBusy) this.socket.end();
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
    const gone = error ?? new Error('SPDY session closed');
    for (const ping of this.pings.values()) ping.reject(gone);
    this.pings.clear();
    this.outbound.length = 0;
    this.inbound.length = 0;
    this.deflater.close();
    this.inflater.close();
    this.emit('close', error);
  }
}
