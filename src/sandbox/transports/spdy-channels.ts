// ExecChannels over the SPDY streams of one exec (remotecommand v4/v5): stdin DATA and its FIN
// (EOF), a resize stream of JSON objects, stdout/stderr with the streams' own backpressure, and
// the status on the error stream. The transport hands these over only once every stream the
// request asked for is open.
import type { Duplex } from 'node:stream';
import type { SpdySession } from '../../spdy/session.ts';
import type { SpdyStream } from '../../spdy/stream.ts';
import type { ExecChannels, KubeStatus } from './exec-channels.ts';
import { ResizeStreamDecoder } from './spdy-resize-stream.ts';
import { CLOSING_BACKSTOP_MS, DEFAULT_HEARTBEAT_MS } from './websocket-channels.ts';
import { ChannelListeners } from './channel-listeners.ts';
import { Heartbeat } from '../../domain/heartbeat.ts';

export interface SpdyExecStreams {
  error: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

export class SpdyChannels extends ChannelListeners implements ExecChannels {
  private finished = false;
  private gone = false;
  private stalled = false;
  private inputPaused = false;
  private backstop: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeat: Heartbeat;

  constructor(
    private readonly session: SpdySession,
    private readonly socket: Duplex,
    private readonly streams: SpdyExecStreams,
    /** the negotiated remotecommand version; over SPDY v4 and v5 behave the same */
    readonly version: 4 | 5,
    heartbeatMs = DEFAULT_HEARTBEAT_MS,
  ) {
    super();
    this.heartbeat = new Heartbeat({
      intervalMs: heartbeatMs,
      ping: () => void session.ping().then(() => this.heartbeat.heard(), () => {}),
      // A paused stdin stream can pause the whole socket (a client that ignores our window): the
      // answer then sits unread. A client that is gone still shows, as the ping's write fails.
      holding: () => this.inputPaused,
      gone: () => session.destroy(),
    });
    for (const stream of Object.values(streams) as SpdyStream[]) stream.on('error', () => {}); // a reset stream is not our crash
    streams.stdin?.on('data', (chunk: Uint8Array) => {
      this.heartbeat.heard();
      if (!this.finished && chunk.length) this.emit('stdin', chunk);
    });
    streams.stdin?.on('end', () => {
      if (!this.finished) this.emit('stdinEnd', undefined);
    });
    const sizes = new ResizeStreamDecoder();
    streams.resize?.on('data', (chunk: Uint8Array) => {
      this.heartbeat.heard();
      for (const size of sizes.push(chunk)) if (!this.finished) this.emit('resize', size);
    });
    for (const output of [streams.stdout, streams.stderr]) output?.on('drain', () => this.emit('drain', undefined));
    session.on('close', (error) => this.lost(error ? error.message : 'connection closed'));
    // A client that holds its reading (flow control) cannot answer our pings, but still pings.
    session.on('peerPing', () => this.heartbeat.heard());
  }

  stdout(chunk: Uint8Array): boolean {
    return this.send(this.streams.stdout, chunk);
  }
  stderr(chunk: Uint8Array): boolean {
    return this.send(this.streams.stderr, chunk);
  }

  /**
   * Stops reading the stdin stream: its window is not reopened (a client that honours windows
   * stops sending), and past a window of unread data the session stops reading the socket.
   */
  pauseInput(): void {
    if (this.inputPaused || this.finished || this.gone) return;
    this.inputPaused = true;
    this.streams.stdin?.pause();
  }

  resumeInput(): void {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    this.streams.stdin?.resume();
  }

  finish(status: KubeStatus): void {
    if (this.finished) return;
    this.finished = true;
    // The heartbeat runs on until the close (CLOSING_BACKSTOP_MS says why).
    // Read on (dropping late stdin) so the client's GOAWAY and close are seen.
    this.resumeInput();
    if (this.gone) return;
    // Output first, each with its FIN (client-go waits for stdout/stderr EOF before it returns
    // the status), then the status and the error stream's FIN.
    const outputs = [this.streams.stdout, this.streams.stderr].filter((s): s is SpdyStream => !!s && !s.destroyed);
    for (const output of outputs) if (!output.writableEnded) output.end();
    void Promise.all(outputs.map(flushed)).then(() => {
      if (this.gone) return;
      this.streams.error.end(new TextEncoder().encode(JSON.stringify(status)));
      return flushed(this.streams.error);
    }).then(() => {
      if (this.gone) return;
      // After the status the client closes the connection (kubectl: RST_STREAM for its open
      // streams, GOAWAY, close) once it has read everything.
      this.session.close();
      this.backstop = setTimeout(() => this.session.destroy(), CLOSING_BACKSTOP_MS);
      this.backstop.unref?.();
    });
  }

  abort(): void {
    this.session.destroy();
  }

  stall(): void {
    this.stalled = true;
    this.heartbeat.stop();
    this.socket.pause();
  }

  private send(stream: SpdyStream | undefined, chunk: Uint8Array): boolean {
    if (this.stalled) return false;
    if (!stream || this.finished || this.gone || stream.destroyed || stream.writableEnded) return true;
    return stream.write(chunk);
  }

  private lost(reason: string): void {
    this.heartbeat.stop();
    clearTimeout(this.backstop);
    if (this.gone) return;
    this.gone = true;
    if (!this.finished) this.emit('gone', reason);
  }
}

/** Resolves once everything written to the stream went out (or the stream is gone). */
function flushed(stream: SpdyStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableFinished || stream.destroyed) return resolve();
    stream.once('finish', resolve);
    stream.once('close', resolve);
  });
}
