// The browser stream hub: one WebSocket per browser tab carries every terminal it shows, each
// addressed by its session id (docs/api.md, "The socket protocol"). Terminal bytes go in binary
// frames (src/protocol/frames.ts), control in JSON text frames. Every session's output is kept in a
// bounded scrollback (scrollback.ts) for attach and reattach, and sent to every viewer in the
// order it came. Flow control: each viewer acknowledges the bytes it has written to its screen;
// when any viewer of a session has more than the high watermark unacknowledged, the session's
// exec stops being read upstream until every viewer is back under the low watermark, so a fast
// producer never grows memory here, and keystrokes (Ctrl-C) still go through.
//
// The caller checks Host, Origin and authentication before handing an upgrade to this hub.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { LogEntry } from '../events/log-entry.ts';
import type { Alerts } from '../events/projections/alerts.ts';
import type { BatchRow } from '../events/projections/batches.ts';
import type { SessionRow } from '../events/projections/session-list.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import type { OutputChannel } from '../runtime/terminal-io.ts';
import type { PodWatching } from '../adapters/cluster.ts';
import { batchView, batchViews } from './batch-view.ts';
import { TokenBucket } from './rate-limit.ts';
import { Scrollback } from './scrollback.ts';
import { FrameKind, MAX_TERMINAL_SIZE, PROTOCOL_VERSION, decodeFrame, encodeFrame, namespaceKey, type ErrorCode, type HubLimits, type ServerMessage } from '../protocol/index.ts';
import { isProblem, parseClientMessage } from './client-messages.ts';
/** ws closes a socket whose frame is bigger than this with 1009 (message too big). */
export const DEFAULT_MAX_PAYLOAD = 256 * 1024;
/** replay is sent in frames of at most this many payload bytes */
const REPLAY_FRAME_BYTES = 64 * 1024;
/** keystrokes kept for a session that is still connecting */
const MAX_PENDING_INPUT = 64 * 1024;

export interface StreamHubOptions {
  /** bytes of output kept per session for attach; default 1 MiB */
  scrollbackBytes?: number;
  /** unacknowledged bytes of one viewer above which the session's upstream pauses; default 256 KiB */
  highWatermark?: number;
  /** ... and below which (for every viewer) it resumes; default 64 KiB */
  lowWatermark?: number;
  maxPayload?: number;
  /** server pings each socket this often; one without a pong by the next ping is terminated. Default 15 s */
  pingIntervalMs?: number;
  /** control messages a socket may send per second (bursts up to 5x); default 200 */
  messagesPerSecond?: number;
  /** input bytes a socket may send per second (bursts up to 4x); default 1 MiB */
  inputBytesPerSecond?: number;
  /** sessions one socket may attach at once; default 256 */
  maxAttachedPerSocket?: number;
  /** pod lists one socket may watch at once; default 16 */
  maxPodWatchesPerSocket?: number;
}

interface Viewer {
  client: Client;
  sessionId: string;
  /** bytes sent and not yet acknowledged (or, without acks, not yet written to the socket) */
  unacked: number;
  acks: boolean;
}

interface Client {
  ws: WebSocket;
  alive: boolean;
  viewers: Map<string, Viewer>;
  messages: TokenBucket;
  inputBytes: TokenBucket;
  /** pod watches by "context\0namespace": the way to stop each */
  podWatches: Map<string, () => void>;
}

interface SessionStream {
  scrollback: Scrollback;
  viewers: Set<Viewer>;
  paused: boolean;
}

export interface SessionStreamStats {
  scrollbackBytes: number;
  start: number;
  end: number;
  paused: boolean;
  /** unacknowledged bytes of each viewer */
  viewers: number[];
}

export class StreamHub {
  readonly options: Required<StreamHubOptions>;
  readonly #system: ExecSystem;
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<Client>();
  readonly #streams = new Map<string, SessionStream>();
  /** sessions spawned by this process: the others came back from the log and their output is gone */
  readonly #spawnedHere = new Set<string>();
  readonly #sentRows = new Map<string, SessionRow>();
  /** the projection's row of each batch as last pushed: a new row (immer) means it changed */
  readonly #sentBatches = new Map<string, BatchRow>();
  /** keystrokes typed while a session was still connecting */
  readonly #pendingInput = new Map<string, { chunks: Uint8Array[]; bytes: number }>();
  #sentAlerts: Alerts;
  /** log entries not yet pushed to the pages */
  #unsent: LogEntry[] = [];
  readonly #stop: (() => void)[] = [];
  #pinger: ReturnType<typeof setInterval>;

  readonly #pods: PodWatching | undefined;

  constructor(system: ExecSystem, options: StreamHubOptions = {}, pods?: PodWatching) {
    this.#system = system;
    this.#pods = pods;
    this.options = {
      scrollbackBytes: options.scrollbackBytes ?? 1024 * 1024,
      // low enough that Ctrl-C under a flood answers quickly in a browser, high enough for full speed (bench figures 2 and 8)
      highWatermark: options.highWatermark ?? 64 * 1024,
      lowWatermark: options.lowWatermark ?? 16 * 1024,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      pingIntervalMs: options.pingIntervalMs ?? 15_000,
      messagesPerSecond: options.messagesPerSecond ?? 200,
      inputBytesPerSecond: options.inputBytesPerSecond ?? 4 * 1024 * 1024,
      maxAttachedPerSocket: options.maxAttachedPerSocket ?? 256,
      maxPodWatchesPerSocket: options.maxPodWatchesPerSocket ?? 16,
    };
    if (!(this.options.lowWatermark < this.options.highWatermark)) throw new Error('the low watermark must be below the high watermark');
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.options.maxPayload, perMessageDeflate: false, clientTracking: false });
    this.#sentAlerts = system.alerts;
    for (const id of system.sessionList.order) this.#sentRows.set(id, system.sessionList.byId[id]);
    for (const [id, row] of Object.entries(system.batches.byId)) this.#sentBatches.set(id, row);
    this.#stop.push(
      system.io.listen({
        output: (id, channel, chunk) => this.#output(id, channel, chunk),
        streamOpened: (id) => this.#streamChanged(id, 'opened'),
        streamClosed: (id) => this.#streamChanged(id, 'closed'),
      }),
      system.onEntry((entry) => this.#entry(entry)),
    );
    this.#pinger = setInterval(() => this.#heartbeat(), this.options.pingIntervalMs);
    (this.#pinger as { unref?: () => void }).unref?.();
  }

  /** Take over an upgrade that has passed the Host, Origin and token checks. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connect(ws));
  }

  /** What the hub holds for a session (for tests and the inspector). */
  stats(sessionId: string): SessionStreamStats | undefined {
    const stream = this.#streams.get(sessionId);
    if (!stream) return undefined;
    return {
      scrollbackBytes: stream.scrollback.size,
      start: stream.scrollback.start,
      end: stream.scrollback.end,
      paused: stream.paused,
      viewers: [...stream.viewers].map((v) => v.unacked),
    };
  }

  /** The limits a page works under (its hello, and GET /api/v1/info). */
  get limits(): HubLimits {
    const o = this.options;
    return {
      maxPayload: o.maxPayload,
      scrollbackBytes: o.scrollbackBytes,
      highWatermark: o.highWatermark,
      lowWatermark: o.lowWatermark,
      pingIntervalMs: o.pingIntervalMs,
      messagesPerSecond: o.messagesPerSecond,
      inputBytesPerSecond: o.inputBytesPerSecond,
      maxTerminalSize: MAX_TERMINAL_SIZE,
    };
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Close every socket (1001, going away) and stop listening to the system. */
  close(): void {
    clearInterval(this.#pinger);
    for (const stop of this.#stop) stop();
    for (const client of this.#clients) client.ws.close(1001, 'server shutting down');
    this.#clients.clear();
    this.#wss.close();
  }

  #connect(ws: WebSocket): void {
    const o = this.options;
    const client: Client = {
      ws,
      alive: true,
      viewers: new Map(),
      messages: new TokenBucket(o.messagesPerSecond, o.messagesPerSecond * 5),
      inputBytes: new TokenBucket(o.inputBytesPerSecond, o.inputBytesPerSecond * 4),
      podWatches: new Map(),
    };
    this.#clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => {
      client.alive = true;
      if (isBinary) this.#binary(client, toBytes(data));
      else this.#control(client, toBytes(data));
    });
    // ws reports a protocol fault (an oversized frame: 1009) here and closes the socket itself.
    ws.on('error', () => {});
    ws.on('close', () => this.#disconnect(client));
    this.#sendJson(client, { type: 'hello', protocol: PROTOCOL_VERSION, sessions: this.#rows(), alerts: this.#system.alerts.list, batches: batchViews(this.#system.batches), limits: this.limits });
  }

  #disconnect(client: Client): void {
    if (!this.#clients.delete(client)) return;
    for (const viewer of client.viewers.values()) this.#removeViewer(viewer);
    client.viewers.clear();
    for (const stop of client.podWatches.values()) stop();
    client.podWatches.clear();
  }

  #heartbeat(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        client.ws.terminate(); // no pong since the last ping: the browser is gone
        this.#disconnect(client);
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  // ---- data plane ----------------------------------------------------------------------------

  #stream(sessionId: string): SessionStream {
    let stream = this.#streams.get(sessionId);
    if (!stream) {
      stream = { scrollback: new Scrollback(this.options.scrollbackBytes), viewers: new Set(), paused: false };
      this.#streams.set(sessionId, stream);
    }
    return stream;
  }

  #output(sessionId: string, channel: OutputChannel, chunk: Uint8Array): void {
    // Late bytes of a session already closed have nowhere to go.
    if (!this.#streams.has(sessionId) && !this.#system.sessionList.byId[sessionId]) return;
    const stream = this.#stream(sessionId);
    stream.scrollback.append(chunk);
    if (stream.viewers.size === 0) return;
    const frame = encodeFrame(channel === 'stderr' ? FrameKind.Stderr : FrameKind.Stdout, sessionId, chunk);
    for (const viewer of stream.viewers) this.#sendBytes(viewer, frame, chunk.length);
    this.#flow(sessionId, stream);
  }

  #sendBytes(viewer: Viewer, frame: Uint8Array, bytes: number): void {
    const { ws } = viewer.client;
    if (ws.readyState !== WebSocket.OPEN) return;
    viewer.unacked += bytes;
    if (viewer.acks) ws.send(frame);
    else
      ws.send(frame, () => {
        viewer.unacked = Math.max(0, viewer.unacked - bytes);
        const stream = this.#streams.get(viewer.sessionId);
        if (stream) this.#flow(viewer.sessionId, stream);
      });
  }

  /** Pause the upstream when a viewer is too far behind; resume when every viewer caught up. */
  #flow(sessionId: string, stream: SessionStream): void {
    const { highWatermark, lowWatermark } = this.options;
    let over = false;
    let under = true;
    for (const viewer of stream.viewers) {
      if (viewer.unacked > highWatermark) over = true;
      if (viewer.unacked > lowWatermark) under = false;
    }
    if (!stream.paused && over) {
      stream.paused = true;
      this.#system.io.pause(sessionId);
    } else if (stream.paused && under) {
      stream.paused = false;
      this.#system.io.resume(sessionId);
    }
  }

  #streamChanged(sessionId: string, state: 'opened' | 'closed'): void {
    const stream = this.#streams.get(sessionId);
    // A restart opens a new stream, which starts unpaused: keep holding it while a viewer is behind.
    if (state === 'opened' && stream?.paused) this.#system.io.pause(sessionId);
    const pending = this.#pendingInput.get(sessionId);
    this.#pendingInput.delete(sessionId);
    if (state === 'opened') for (const chunk of pending?.chunks ?? []) this.#system.io.input(sessionId, chunk);
    for (const viewer of stream?.viewers ?? []) this.#sendJson(viewer.client, { type: 'stream', sessionId, state });
  }

  // ---- control plane -------------------------------------------------------------------------

  /**
   * Log entries come in bursts (an exec, its spawns, activity): they are folded into the pages'
   * view once per turn of the event loop, so reading the projections costs once per burst.
   */
  #entry(entry: LogEntry): void {
    if (entry.type === 'session.spawned') this.#spawnedHere.add(entry.sessionId);
    this.#unsent.push(entry);
    if (this.#unsent.length === 1) setImmediate(() => this.#push());
  }

  #push(): void {
    const entries = this.#unsent.splice(0);
    const sessions = new Set<string>();
    for (const entry of entries) if ('sessionId' in entry) sessions.add(entry.sessionId);
    for (const id of sessions) {
      const row = this.#system.sessionList.byId[id];
      if (!row) {
        if (this.#sentRows.delete(id) || this.#streams.has(id)) this.#sessionClosed(id);
      } else if (this.#sentRows.get(id) !== row) {
        this.#sentRows.set(id, row);
        this.#broadcast({ type: 'session', session: row });
      }
    }
    for (const entry of entries) this.#batchEntry(entry);
    const alerts = this.#system.alerts;
    if (alerts !== this.#sentAlerts) {
      this.#sentAlerts = alerts;
      this.#broadcast({ type: 'alerts', alerts: alerts.list });
    }
  }

  /** A batch started or finished, or one of its sessions moved: every page gets the batch's new summary. */
  #batchEntry(entry: LogEntry): void {
    let batchId: string | undefined;
    if (entry.type === 'batch.started' || entry.type === 'batch.finished') batchId = entry.batchId;
    else if ('sessionId' in entry) batchId = this.#system.batches.sessions[entry.sessionId]?.[0];
    if (batchId === undefined) return;
    const row = this.#system.batches.byId[batchId];
    if (!row || this.#sentBatches.get(batchId) === row) return;
    this.#sentBatches.set(batchId, row);
    this.#broadcast({ type: 'batch', batch: batchView(row) });
  }

  #sessionClosed(sessionId: string): void {
    const stream = this.#streams.get(sessionId);
    this.#streams.delete(sessionId);
    this.#spawnedHere.delete(sessionId);
    this.#pendingInput.delete(sessionId);
    for (const viewer of stream?.viewers ?? []) {
      viewer.client.viewers.delete(sessionId);
      this.#sendJson(viewer.client, { type: 'detached', sessionId, reason: 'closed' });
    }
    this.#broadcast({ type: 'sessionClosed', sessionId });
  }

  #binary(client: Client, data: Uint8Array): void {
    const frame = decodeFrame(data);
    if (typeof frame === 'string') return this.#error(client, 'badMessage', frame);
    if (frame.kind !== FrameKind.Input) return this.#error(client, 'badMessage', 'Clients send only input frames (kind 16).', frame.sessionId);
    if (!client.viewers.has(frame.sessionId)) return this.#error(client, 'notAttached', `Attach to ${frame.sessionId} before sending input.`, frame.sessionId);
    // Keystrokes are counted in bytes only: one frame per key is what typing looks like.
    if (!client.inputBytes.take(frame.payload.length)) {
      return this.#error(client, 'rateLimited', `Input arrives faster than ${this.options.inputBytesPerSecond} bytes a second: this input was dropped.`, frame.sessionId);
    }
    if (this.#system.io.input(frame.sessionId, frame.payload)) return;
    // Typed while the exec is still connecting: kept (a little) and sent when the stream opens.
    if (this.#system.sessionList.byId[frame.sessionId]?.state === 'connecting') {
      const pending = this.#pendingInput.get(frame.sessionId) ?? { chunks: [], bytes: 0 };
      if (pending.bytes + frame.payload.length <= MAX_PENDING_INPUT) {
        pending.chunks.push(frame.payload.slice());
        pending.bytes += frame.payload.length;
        this.#pendingInput.set(frame.sessionId, pending);
        return;
      }
    }
    this.#error(client, 'notRunning', `Session ${frame.sessionId} is not running: restart it to type again.`, frame.sessionId);
  }

  #control(client: Client, data: Uint8Array): void {
    const message = parseClientMessage(data);
    // Acks come as fast as output does, cost nothing, and dropping one would stall the session for
    // good: they are exempt from the message rate. Everything else counts, refusals included.
    if (isProblem(message) || message.type !== 'ack') {
      if (!client.messages.take(1)) return this.#error(client, 'rateLimited', `More than ${this.options.messagesPerSecond} messages a second: this one was dropped.`);
    }
    if (isProblem(message)) return this.#error(client, message.problem, message.message, message.sessionId);
    switch (message.type) {
      case 'ping':
        return this.#sendJson(client, { type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}) });
      case 'watchPods':
      case 'unwatchPods':
        return this.#watchPods(client, message.type === 'watchPods', message.namespace, message.context);
      case 'attach':
        return this.#attach(client, message.sessionId, message.from, message.ack);
    }
    const { sessionId } = message;
    const viewer = client.viewers.get(sessionId);
    if (!viewer) return this.#error(client, 'notAttached', `Not attached to ${sessionId}: attach first.`, sessionId);
    switch (message.type) {
      case 'detach':
        client.viewers.delete(sessionId);
        this.#removeViewer(viewer);
        return this.#sendJson(client, { type: 'detached', sessionId, reason: 'request' });
      case 'resize':
        return this.#system.resize(sessionId, message.cols, message.rows);
      case 'ack': {
        viewer.unacked = Math.max(0, viewer.unacked - message.bytes);
        const stream = this.#streams.get(sessionId);
        if (stream) this.#flow(sessionId, stream);
        return;
      }
      case 'eof':
        if (!this.#system.io.closeStdin(sessionId)) this.#error(client, 'notRunning', `Session ${sessionId} is not running.`, sessionId);
        return;
    }
  }

  #attach(client: Client, sessionId: string, from: number, ack: boolean): void {
    const row = this.#system.sessionList.byId[sessionId];
    if (!row) return this.#error(client, 'unknownSession', `There is no open session ${sessionId}.`, sessionId);
    const previous = client.viewers.get(sessionId);
    if (previous) this.#removeViewer(previous);
    else if (client.viewers.size >= this.options.maxAttachedPerSocket) return this.#error(client, 'tooManyAttached', `One socket can show at most ${this.options.maxAttachedPerSocket} sessions.`, sessionId);
    const stream = this.#stream(sessionId);
    const wanted = Math.min(from, stream.scrollback.end);
    const replay = stream.scrollback.since(wanted);
    const viewer: Viewer = { client, sessionId, unacked: 0, acks: ack };
    client.viewers.set(sessionId, viewer);
    this.#sendJson(client, {
      type: 'attached',
      sessionId,
      from: replay.from,
      to: stream.scrollback.end,
      dropped: replay.from - wanted,
      restored: !this.#spawnedHere.has(sessionId),
      running: this.#system.io.isRunning(sessionId),
      session: row,
    });
    for (let at = 0; at < replay.bytes.length; at += REPLAY_FRAME_BYTES) {
      const part = replay.bytes.subarray(at, at + REPLAY_FRAME_BYTES);
      this.#sendBytes(viewer, encodeFrame(FrameKind.Stdout, sessionId, part), part.length);
    }
    stream.viewers.add(viewer);
    this.#flow(sessionId, stream);
  }

  #watchPods(client: Client, watch: boolean, namespace: string, context: string | undefined): void {
    const key = namespaceKey(context, namespace);
    const existing = client.podWatches.get(key);
    if (!watch) {
      existing?.();
      client.podWatches.delete(key);
      return;
    }
    if (existing) return;
    if (!this.#pods) return this.#error(client, 'watchFailed', 'This server does not watch pods.');
    if (client.podWatches.size >= this.options.maxPodWatchesPerSocket) return this.#error(client, 'tooManyAttached', `One socket can watch at most ${this.options.maxPodWatchesPerSocket} pod lists.`);
    const where = { namespace, ...(context !== undefined ? { context } : {}) };
    client.podWatches.set(
      key,
      this.#pods.subscribe(context, namespace, {
        pods: (pods) => this.#sendJson(client, { type: 'pods', ...where, pods }),
        error: (message) => this.#sendJson(client, { type: 'error', code: 'watchFailed', message, ...where }),
      }),
    );
  }

  #removeViewer(viewer: Viewer): void {
    const stream = this.#streams.get(viewer.sessionId);
    if (!stream) return;
    stream.viewers.delete(viewer);
    this.#flow(viewer.sessionId, stream);
  }

  #rows(): SessionRow[] {
    const list = this.#system.sessionList;
    return list.order.map((id) => list.byId[id]);
  }

  #broadcast(message: ServerMessage): void {
    const text = JSON.stringify(message);
    for (const client of this.#clients) if (client.ws.readyState === WebSocket.OPEN) client.ws.send(text);
  }

  #sendJson(client: Client, message: ServerMessage): void {
    if (client.ws.readyState === WebSocket.OPEN) client.ws.send(JSON.stringify(message));
  }

  #error(client: Client, code: ErrorCode, message: string, sessionId?: string): void {
    this.#sendJson(client, { type: 'error', code, message, ...(sessionId ? { sessionId } : {}) });
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
