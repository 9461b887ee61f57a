// ExecChannels over one WebSocket of the Kubernetes channel protocol (v4/v5): every frame is
// binary and starts with its channel byte; see EXEC-PROTOCOL.md for the table.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ExecChannels, KubeStatus } from './exec-channels.ts';
import { parseResizeMessage } from './resize-message.ts';
import { ChannelListeners } from './channel-listeners.ts';
import { startReading, stopReading } from '../../domain/socket-reading.ts';
import { Heartbeat } from '../../domain/heartbeat.ts';

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Bytes queued to the socket beyond which the process is paused, and below which it resumes. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;
/**
 * client-go pings every 5 s; a peer that sends nothing and answers none of our pings for this long
 * (counted while we were free to read: src/domain/heartbeat.ts) is gone.
 */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/**
 * A finished exec's connection stays until the client has read it all (its close frame, GOAWAY
 * or close says so) or the heartbeat finds it gone; a client that stays alive without ever
 * closing is cut off after this long. A shorter timer (ws's 30 s closing timeout) cut clients
 * that held their reading behind a slow viewer: the socket's end reset the connection, and the
 * output still unread was lost (the load run's streams, 0.1 to 1.4 MB short).
 */
export const CLOSING_BACKSTOP_MS = 10 * 60_000;

export class WebSocketChannels extends ChannelListeners implements ExecChannels {
  private queued = 0;
  private paused = false;
  private finished = false;
  private gone = false;
  private stalled = false;
  private aborting = false;
  private inputPaused = false;
  private readonly heartbeat: Heartbeat;

  constructor(
    private readonly ws: WebSocket,
    private readonly version: 4 | 5,
    heartbeatMs = DEFAULT_HEARTBEAT_MS,
    /** the upgraded connection under the WebSocket, for input flow control */
    private readonly socket?: Duplex,
  ) {
    super();
    ws.binaryType = 'nodebuffer';
    this.heartbeat = new Heartbeat({
      intervalMs: heartbeatMs,
      ping: () => ws.ping(),
      // While input is paused the client's pongs sit unread behind its stdin; a client that is
      // gone still shows, as the ping's write to its closed connection fails.
      holding: () => this.inputPaused,
      gone: () => ws.terminate(),
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    // A client that holds its reading (flow control) still pings: that is enough to be alive.
    ws.on('pong', () => this.heartbeat.heard());
    ws.on('ping', () => this.heartbeat.heard());
    ws.on('close', (code: number) => this.lost(`connection closed (${code})`));
    ws.on('error', (error: Error) => this.lost(error.message));
    // Real API servers open with an empty stdout frame; some clients wait for it.
    this.send(CHANNEL.stdout, new Uint8Array(0));
  }

  stdout(chunk: Uint8Array): boolean {
    return this.send(CHANNEL.stdout, chunk);
  }
  stderr(chunk: Uint8Array): boolean {
    return this.send(CHANNEL.stderr, chunk);
  }

  /** Stops reading the socket itself: TCP backpressure reaches the client. */
  pauseInput(): void {
    if (this.inputPaused || this.finished || this.gone) return;
    this.inputPaused = true;
    stopReading(this.socket, () => this.ws.pause());
  }

  resumeInput(): void {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    if (!this.stalled) startReading(this.socket, () => this.ws.resume());
  }

  finish(status: KubeStatus): void {
    if (this.finished) return;
    this.send(CHANNEL.error, new TextEncoder().encode(JSON.stringify(status)));
    this.finished = true;
    // The heartbeat runs on until the close: it is what drops a client gone while we wait for it.
    // The client's close frame is behind any stdin it still sent: read on (and drop that input) to see it.
    this.resumeInput();
    if (!this.gone) this.ws.close(1000);
  }

  /** Drop the connection like a broken network would, but only after the bytes already sent are on the wire. */
  abort(): void {
    this.aborting = true;
    if (this.queued === 0) this.ws.terminate();
  }

  stall(): void {
    this.stalled = true;
    this.heartbeat.stop();
    this.ws.pause();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.heartbeat.heard();
    if (!isBinary || data.length === 0 || this.finished) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case CHANNEL.stdin:
        if (payload.length) this.emit('stdin', payload);
        return;
      case CHANNEL.resize:
        for (const size of parseResizeMessage(payload.toString('utf8'))) this.emit('resize', size);
        return;
      case CHANNEL.close:
        // v5 only: `ff 00` says the client closed its stdin.
        if (this.version === 5 && payload[0] === CHANNEL.stdin) this.emit('stdinEnd', undefined);
        return;
    }
  }

  private send(channel: number, chunk: Uint8Array): boolean {
    if (this.stalled || this.aborting) return false;
    if (this.finished || this.gone) return true;
    const frame = Buffer.allocUnsafe(chunk.length + 1);
    frame[0] = channel;
    frame.set(chunk, 1);
    this.queued += frame.length;
    this.ws.send(frame, { binary: true }, () => {
      this.queued -= frame.length;
      if (this.aborting && this.queued === 0) return void this.ws.terminate();
      if (this.paused && this.queued <= LOW_WATER) {
        this.paused = false;
        this.emit('drain', undefined);
      }
    });
    if (this.queued > HIGH_WATER) this.paused = true;
    return !this.paused;
  }

  private lost(reason: string): void {
    this.heartbeat.stop();
    if (this.gone) return;
    this.gone = true;
    if (!this.finished) this.emit('gone', reason);
  }
}
