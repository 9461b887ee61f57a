// The terminal socket's client (docs/api.md, "The socket protocol"): one WebSocket for every
// terminal a page shows (for octant-exec exec, attach and debug: one). Bytes travel in binary
// frames, control in JSON. Each attached session has a sink that writes to a screen and says
// when the bytes are on it; the client turns that into `ack` messages (flow control: the server
// pauses a producer this page cannot keep up with; ack-pacing.ts says when).
// A dropped socket reconnects with backoff and reattaches every session from the byte offset it
// had reached, so nothing is shown twice and a gap is reported exactly. A fresh attach may ask for
// the terminal's screen as it is instead (a page reload: full-screen programs come back whole); a
// drop before the whole screen came asks for it again, as half a screen cannot be gone on from.
// Such a terminal is also caught up with the screen when it lags (under a flood it skips to the
// screen as it is, never pausing the program), as any later `attached` with a screen says.
import { FrameKind, decodeFrame, encodeFrame, namespaceKey, type ServerMessage } from './index.ts';
import type { TokenBucket } from '../domain/token-bucket.ts';
import { DEFAULT_INPUT_BYTES_PER_SECOND, INPUT_BUFFERED_BYTES, INPUT_FRAME_BYTES, INPUT_RETRY_MS, inputBudget, inputCost } from './input-pacing.ts';
import type { SessionSink } from './session-sink.ts';
import { AckPacing, DEFAULT_ACK_EVERY_BYTES } from './ack-pacing.ts';
import type { Attachment } from './attachment.ts';

export type { AttachInfo, SessionSink } from './session-sink.ts';

/** WebSocket.OPEN, without needing the global (tests run where there is none) */
const OPEN = 1;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'signedOut';

export interface SocketClientOptions {
  url: string;
  /** asked after a failed connect: false stops retrying (e.g. the server no longer knows us) */
  mayRetry?: () => Promise<boolean>;
  /** first retry delay; doubles up to maxDelayMs */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** unacknowledged written bytes sent in one ack at most */
  ackEveryBytes?: number;
  /** the client pings this often; a server silent for a whole interval after a ping is given up on */
  heartbeatMs?: number;
  /** a text frame that is not JSON, or a binary frame that is not the protocol's (the page ignores them; a command-line client stops) */
  protocolError?: (sentence: string) => void;
  /** the WebSocket class (tests pass a fake); default the browser's */
  WebSocket?: new (url: string) => WebSocket;
  /** the clock of the input pacing (tests drive it) */
  now?: () => number;
}

export class SocketClient {
  readonly #options: Required<Omit<SocketClientOptions, 'mayRetry' | 'protocolError' | 'WebSocket' | 'now'>> & Pick<SocketClientOptions, 'mayRetry' | 'protocolError'>;
  readonly #WebSocket: new (url: string) => WebSocket;
  readonly #attachments = new Map<string, Attachment>();
  readonly #listeners = new Set<(message: ServerMessage) => void>();
  /** pod lists this page watches, by context and namespace: renewed on every reconnect */
  readonly #podWatches = new Map<string, { namespace: string; context?: string }>();
  readonly #stateListeners = new Set<(state: ConnectionState, closedBecause?: string) => void>();
  #ws: WebSocket | undefined;
  #state: ConnectionState = 'connecting';
  #failures = 0;
  /** the reason the server gave when it closed the last socket that said hello, on purpose (1008: its sign-in ended) */
  #closedBecause: string | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** anything arrived since the last ping */
  #heard = false;
  /** input waiting to be sent, in the order typed or pasted, across sessions (the server's budget is per socket); `eof` marks where the end of input goes */
  readonly #outbox: { sessionId: string; bytes: Uint8Array; eof?: true }[] = [];
  /** our own copy of the server's input budget, kept below it so a paste is never dropped as rateLimited */
  #inputBudget: TokenBucket;
  #inputRetry: ReturnType<typeof setTimeout> | undefined;
  readonly #now: () => number;
  /** ackEveryBytes, or the server's low watermark if lower */
  #ackEveryBytes: number;

  constructor(options: SocketClientOptions) {
    const { WebSocket: impl, now, ...rest } = options;
    this.#options = { minDelayMs: 250, maxDelayMs: 8000, ackEveryBytes: DEFAULT_ACK_EVERY_BYTES, heartbeatMs: 15_000, ...rest };
    this.#WebSocket = impl ?? globalThis.WebSocket;
    this.#now = now ?? Date.now;
    this.#ackEveryBytes = this.#options.ackEveryBytes;
    this.#inputBudget = inputBudget(DEFAULT_INPUT_BYTES_PER_SECOND, this.#now);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  connect(): void {
    if (this.#closed || this.#ws) return;
    const ws = new this.#WebSocket(this.#options.url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => {
      this.#heard = true;
      this.#startHeartbeat(ws);
    };
    ws.onmessage = (event) => {
      this.#heard = true;
      if (typeof event.data === 'string') this.#control(event.data);
      else this.#bytes(new Uint8Array(event.data as ArrayBuffer));
    };
    ws.onclose = (event) => this.#lost(ws, event);
  }

  /** The socket closed, or went silent: forget its accounting and reconnect. */
  #lost(ws: WebSocket, event?: CloseEvent): void {
    if (this.#ws !== ws) return;
    if (this.#state === 'open') this.#closedBecause = event?.code === 1008 ? event.reason : undefined;
    this.#ws = undefined;
    clearInterval(this.#heartbeat);
    ws.onclose = ws.onmessage = ws.onopen = null;
    for (const a of this.#attachments.values()) {
      a.live = false;
      a.inFlight = 0;
      a.inputHeld = false; // the next attach's answer says again
      if (a.early) a.early = []; // a refused attach's (undefined) stays refused: keys typed while reconnecting go nowhere
      a.acks.forget();
    }
    this.#dropInput(() => true, true); // as keystrokes typed while reconnecting are (a paste cut short says so)
    if (this.#closed) return;
    this.#setState('reconnecting');
    void this.#scheduleRetry();
  }

  /**
   * Pings both ways: the server pings us (the browser answers by itself); we ping the server so
   * a server that vanished without a close frame is noticed within two intervals, not at the
   * operating system's TCP timeout.
   */
  #startHeartbeat(ws: WebSocket): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      if (!this.#heard) {
        this.#lost(ws);
        ws.close(4000, 'no answer to ping');
        return;
      }
      this.#heard = false;
      this.#send({ type: 'ping' });
    }, this.#options.heartbeatMs);
  }

  /** Stop for good: no reconnect. */
  close(): void {
    this.#closed = true;
    this.#dropInput(() => true);
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    this.#ws?.close(1000);
    this.#ws = undefined;
  }

  onMessage(listener: (message: ServerMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `closedBecause`: the server's reason for closing the last open socket on purpose (signedOut: whose sign-in ended, and how) */
  onState(listener: (state: ConnectionState, closedBecause?: string) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * Show a session's output in `sink`, from its first byte the server still holds; with `screen`,
   * a terminal's screen as it is now (drawn on an empty screen), then its output from there, and
   * again whenever it lags too far behind (the bytes it skipped are in the recording).
   */
  attach(sessionId: string, sink: SessionSink, options: { screen?: boolean } = {}): void {
    if (this.#attachments.has(sessionId)) throw new Error(`session ${sessionId} is attached already`);
    const a: Attachment = { sink, offset: 0, live: false, everAttached: false, screen: options.screen === true, screenDue: 0, acks: new AckPacing((bytes) => this.#send({ type: 'ack', sessionId, bytes })), inFlight: 0, early: [] };
    this.#attachments.set(sessionId, a);
    this.#attachMessage(sessionId, a);
  }

  #attachMessage(sessionId: string, a: Attachment): void {
    // half a screen cannot be gone on from: raw output from its offset would land on a screen half drawn
    const screen = a.screen && (!a.everAttached || a.screenDue > 0);
    this.#send({ type: 'attach', sessionId, from: a.offset, ack: true, ...(screen ? { screen: true } : {}), ...(a.screen ? { catchUp: 'screen' } : {}) });
  }

  detach(sessionId: string): void {
    this.cancelInput(sessionId);
    this.#attachments.get(sessionId)?.acks.cancel();
    if (!this.#attachments.delete(sessionId)) return;
    this.#send({ type: 'detach', sessionId });
  }

  /** Live pod list of a namespace: `pods` messages now and on every change, until unwatchPods. */
  watchPods(namespace: string, context?: string): void {
    const key = namespaceKey(context, namespace);
    if (this.#podWatches.has(key)) return;
    const where = { namespace, ...(context ? { context } : {}) };
    this.#podWatches.set(key, where);
    this.#send({ type: 'watchPods', ...where });
  }

  unwatchPods(namespace: string, context?: string): void {
    const key = namespaceKey(context, namespace);
    const where = this.#podWatches.get(key);
    if (!where) return;
    this.#podWatches.delete(key);
    this.#send({ type: 'unwatchPods', ...where });
  }

  /**
   * Keystrokes or a paste, in order. A large paste goes out in frames well under the server's
   * maxPayload, paced: within the server's input rate, each frame counted at its floor (inputCost),
   * so none is dropped as rateLimited, and while the socket's send buffer has room (the page never
   * holds megabytes in it nor stops to send them). The sink hears what still waits (inputPending).
   * It waits for the first attach's answer; after that, false while not attached on an open socket.
   */
  input(sessionId: string, data: string | Uint8Array): boolean {
    const a = this.#attachments.get(sessionId);
    if (!a || (!a.live && (a.everAttached || !a.early))) return false;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (bytes.length === 0) return true;
    if (!a.live) return a.early!.push(bytes) > 0;
    this.#outbox.push({ sessionId, bytes });
    this.#tellPending(sessionId);
    this.#sendInput();
    return true;
  }

  /** Drop what is still waiting of this session's input (a paste being sent): what went stays sent. */
  cancelInput(sessionId: string): void {
    this.#dropInput((id) => id === sessionId);
  }

  #sendInput(): void {
    clearTimeout(this.#inputRetry);
    this.#inputRetry = undefined;
    const ws = this.#ws;
    while (ws?.readyState === OPEN) {
      // the first in line whose program takes input: a held session's input waits in its own order, not the others'
      const at = this.#outbox.findIndex((item) => !this.#attachments.get(item.sessionId)?.inputHeld);
      if (at < 0) return;
      const head = this.#outbox[at];
      if (head.eof) {
        this.#send({ type: 'eof', sessionId: this.#outbox.splice(at, 1)[0].sessionId }); // a drop empties the outbox: still attached
        continue;
      }
      const size = Math.min(head.bytes.length, INPUT_FRAME_BYTES, this.#inputBudget.burst);
      if (ws.bufferedAmount > INPUT_BUFFERED_BYTES || !this.#inputBudget.take(inputCost(size))) {
        this.#inputRetry = setTimeout(() => this.#sendInput(), INPUT_RETRY_MS);
        return;
      }
      this.#sendRaw(encodeFrame(FrameKind.Input, head.sessionId, head.bytes.subarray(0, size)));
      if (size === head.bytes.length) this.#outbox.splice(at, 1);
      else head.bytes = head.bytes.subarray(size);
      this.#tellPending(head.sessionId);
    }
  }

  /** `lost`: dropped because the link went, not on request */
  #dropInput(which: (sessionId: string) => boolean, lost = false): void {
    const dropped = new Set<string>();
    for (let i = this.#outbox.length - 1; i >= 0; i--) {
      if (!which(this.#outbox[i].sessionId)) continue;
      dropped.add(this.#outbox[i].sessionId);
      this.#outbox.splice(i, 1);
    }
    if (this.#outbox.length === 0) clearTimeout(this.#inputRetry);
    for (const sessionId of dropped) this.#tellPending(sessionId, lost);
  }

  #tellPending(sessionId: string, lost = false): void {
    let bytes = 0;
    for (const item of this.#outbox) if (item.sessionId === sessionId) bytes += item.bytes.length;
    this.#attachments.get(sessionId)?.sink.inputPending?.(bytes, lost);
  }

  /** The end of input: the process's stdin is closed (a session without a terminal), once the input queued before it has gone. */
  eof(sessionId: string): void {
    if (this.#attachments.get(sessionId)?.live) this.#outbox.push({ sessionId, bytes: new Uint8Array(0), eof: true });
    this.#sendInput();
  }

  resize(sessionId: string, cols: number, rows: number): void {
    const a = this.#attachments.get(sessionId);
    if (!a || (a.size?.cols === cols && a.size.rows === rows)) return; // every resize is logged: send changes only
    a.size = { cols, rows };
    if (a.live) this.#send({ type: 'resize', sessionId, cols, rows });
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state, this.#closedBecause);
  }

  /**
   * Only a hello starts the count over (#control): a server may take the upgrade and close it at
   * once (1013 past the caller's socket limit, 1008), and counting an open socket as a welcome
   * one would reconnect such a page every quarter second for ever, never asking mayRetry.
   */
  async #scheduleRetry(): Promise<void> {
    this.#failures++;
    if (this.#failures > 1 && this.#options.mayRetry && !(await this.#options.mayRetry())) {
      this.#setState('signedOut');
      return;
    }
    const base = Math.min(this.#options.maxDelayMs, this.#options.minDelayMs * 2 ** (this.#failures - 1));
    const delay = base / 2 + Math.random() * (base / 2); // jitter: many tabs do not reconnect in step
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.connect(), delay);
  }

  #control(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      this.#options.protocolError?.('a text frame that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
      this.#options.protocolError?.('a message without a type');
      return;
    }
    switch (message.type) {
      case 'hello':
        this.#failures = 0;
        if (message.limits?.inputBytesPerSecond > 0) this.#inputBudget = inputBudget(message.limits.inputBytesPerSecond, this.#now);
        // a producer resumes when this page's acks bring it under the low watermark: ack at least that often
        this.#ackEveryBytes = Math.min(this.#options.ackEveryBytes, message.limits?.lowWatermark > 0 ? message.limits.lowWatermark : Infinity);
        this.#setState('open');
        // Reattach everything this page shows, each from where it stopped; watch again what it watched.
        for (const [sessionId, a] of this.#attachments) this.#attachMessage(sessionId, a);
        for (const where of this.#podWatches.values()) this.#send({ type: 'watchPods', ...where });
        break;
      case 'attached': {
        const a = this.#attachments.get(message.sessionId);
        if (!a) break;
        const reattach = a.everAttached;
        // a lagging terminal caught up on the socket it is live on: the server has its size already
        const caughtUp = a.live && message.skipped !== undefined;
        a.live = true;
        a.everAttached = true;
        const released = a.inputHeld === true && message.inputHeld !== true; // let go while the link was down: its release went with it
        a.inputHeld = message.inputHeld === true;
        a.offset = message.from;
        const screen = typeof message.screen === 'number';
        a.screenDue = screen ? message.screen! : 0;
        a.sink.attached?.({ dropped: message.dropped, restored: message.restored, reattach, replayBytes: screen ? message.screen! : message.to - message.from, screen, ...(screen && message.screenSize ? { screenSize: message.screenSize } : {}), ...(caughtUp ? { caughtUp } : {}) });
        if (a.size && !caughtUp) this.#send({ type: 'resize', sessionId: message.sessionId, ...a.size });
        for (const bytes of a.early?.splice(0) ?? []) this.input(message.sessionId, bytes);
        if (released) this.#sendInput();
        break;
      }
      case 'inputHeld': {
        const a = this.#attachments.get(message.sessionId);
        if (a) a.inputHeld = message.held;
        if (a && !message.held) this.#sendInput();
        break;
      }
      case 'detached':
        // closed, or a share that no longer lets this page in: nothing to attach again after a reconnect
        if (message.reason === 'closed' || message.reason === 'shareEnded') {
          const a = this.#attachments.get(message.sessionId);
          a?.acks.cancel();
          this.#attachments.delete(message.sessionId);
          a?.sink.detached?.(message.reason, message.message);
        }
        break;
      case 'error': {
        const a = message.sessionId === undefined ? undefined : this.#attachments.get(message.sessionId);
        // nothing but its attach is sent for a session not yet attached: refused, what was typed for it goes nowhere, ever
        if (a && !a.live && !a.everAttached) a.early = undefined;
        a?.sink.error?.(message.message);
        break;
      }
    }
    for (const listener of this.#listeners) listener(message);
  }

  #bytes(data: Uint8Array): void {
    const frame = decodeFrame(data);
    if (typeof frame === 'string') return this.#options.protocolError?.(frame);
    const a = this.#attachments.get(frame.sessionId);
    if (!a || !a.live) return;
    const length = frame.payload.length;
    if (frame.kind !== FrameKind.Screen) a.offset += length; // a screen stands for the bytes before `from`
    else a.screenDue = Math.max(0, a.screenDue - length);
    a.inFlight += length;
    const socket = this.#ws;
    a.sink.output(frame.payload, frame.kind === FrameKind.Stderr ? 'stderr' : 'stdout', () => {
      // A write finishing after a reconnect belongs to the old socket's accounting.
      if (socket !== this.#ws || this.#attachments.get(frame.sessionId) !== a) return;
      a.inFlight -= length;
      a.acks.drawn(length, a.inFlight === 0, this.#ackEveryBytes);
    });
  }

  #send(message: object): void {
    if (this.#ws?.readyState === OPEN) this.#ws.send(JSON.stringify(message));
  }

  #sendRaw(bytes: Uint8Array): void {
    if (this.#ws?.readyState === OPEN) this.#ws.send(bytes as Uint8Array<ArrayBuffer>);
  }
}
