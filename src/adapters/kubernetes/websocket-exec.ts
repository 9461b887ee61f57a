// Exec (or attach, mode attach) over WebSocket (v5.channel.k8s.io, falling back to v4) through
// @kubernetes/client-node's Exec, which builds the request, applies the kubeconfig's credentials
// and splits the channels.
// Around it: the cluster's own words when it refuses, pings so a dead connection is noticed,
// flow control by pausing the socket, resize and stdin EOF frames, and exactly one `ended`.
// With a person on the request, the kubeconfig is the impersonating one (exec-target.ts).
// client-node's module, not its index, which would bring its whole generated API (see core-api.ts)
import { Exec } from '@kubernetes/client-node/dist/exec.js';
import { PassThrough, Writable } from 'node:stream';
import { Buffer } from 'node:buffer';
import type WebSocket from 'ws';
import { MISSING_COMMAND_OUTPUT_BYTES, type ExecAdapter, type ExecEnd, type ExecListener, type ExecRequest, type ExecStream } from '../exec.ts';
import type { TerminalSize } from '../../domain/target.ts';
import { ChannelSocketDialer, setReading, UpgradeRefused } from './channel-socket.ts';
import type { KubeContexts } from './kubeconfig.ts';
import { endFromStatus, failureFromNetwork, refusedUpgradeEnd, type KubeStatusLike } from './status.ts';
import { configForExec } from './exec-target.ts';
import { channelPath } from './channel-path.ts';
import { Heartbeat } from '../../domain/heartbeat.ts';

const resizeChannel = 4;
/** stdin bytes queued for the socket above this: a bulk writer waits until they are out */
const stdinHighWater = 1 << 20;

export interface WebSocketExecOptions {
  /** no answer to the upgrade (or an answer that does not end) within this: the exec fails (default 30 s) */
  upgradeTimeoutMs?: number;
  /** ping the API server this often (client-go: 5 s) */
  pingIntervalMs?: number;
  /** no frame at all for this long, counted while we were free to read (src/domain/heartbeat.ts): the connection is dead (client-go: 61 s) */
  deadAfterMs?: number;
}

export class WebSocketExecAdapter implements ExecAdapter {
  constructor(
    private readonly contexts: KubeContexts,
    private readonly options: WebSocketExecOptions = {},
  ) {}

  open(request: ExecRequest, listener: ExecListener): ExecStream {
    return new WebSocketExecStream(this.contexts, request, listener, this.options);
  }
}

class WebSocketExecStream implements ExecStream {
  #socket: WebSocket | undefined;
  #ended = false;
  #closing = false;
  #paused = false;
  /** output that arrived while paused: a socket may still hand over what it had already read */
  #held: { deliver: (chunk: Uint8Array) => void; chunk: Uint8Array }[] = [];
  // client-node sends what is written here as stdin frames, and its end as v5's stdin close;
  // it buffers until the socket is open, so early keystrokes (a paste at connect) are kept.
  #stdin = new PassThrough();
  #size: TerminalSize | undefined;
  #outputHead = '';
  #heartbeat: Heartbeat | undefined;
  /** writers waiting for the socket to open before their bytes can be on their way */
  #waitingToSend: (() => void)[] = [];
  /** a ping is out to learn when what was written before it has gone (#whenSent) */
  #pinging = false;
  /** writers waiting behind a full send buffer for the next ping */
  #waitingForPing: (() => void)[] = [];
  /** while the upgrade is under way: close() or the timeout stops it, and its connection with it */
  #dialing: AbortController | undefined;

  constructor(
    private readonly contexts: KubeContexts,
    private readonly request: ExecRequest,
    private readonly listener: ExecListener,
    private readonly options: WebSocketExecOptions,
  ) {
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const { target } = this.request;
    const found = configForExec(this.contexts, target, this.request.person);
    if ('failure' in found) return this.#end({ kind: 'failed', failure: found.failure });
    const { config } = found;
    this.#dialing = new AbortController();
    const dialer: ConstructorParameters<typeof Exec>[1] = new ChannelSocketDialer(config, this.request.mode?.kind === 'attach' ? channelPath(this.request) : undefined, this.#dialing.signal, this.options.upgradeTimeoutMs);
    const exec = new Exec(config, dialer);
    try {
      const socket = (await exec.exec(
        target.namespace,
        target.pod,
        target.container,
        this.request.argv,
        this.#sink((chunk) => this.listener.stdout(chunk)),
        this.request.tty ? null : this.#sink((chunk) => this.listener.stderr(chunk)),
        this.request.stdin ? this.#stdin : null,
        this.request.tty,
        (status) => this.#end(endFromStatus(status as KubeStatusLike, this.request.argv[0] ?? '', this.#outputHead)),
      )) as unknown as WebSocket;
      this.#dialing = undefined;
      this.#socket = socket;
      if (this.#closing) return void socket.close(1000);
      this.#watch(socket);
      this.listener.opened(socket.protocol);
      this.#size ??= this.request.size;
      if (this.request.tty && this.#size) this.#sendSize(socket, this.#size);
      if (this.#paused) setReading(socket, false);
      for (const sent of this.#waitingToSend.splice(0)) this.#whenSent(sent);
    } catch (error) {
      this.#dialing = undefined;
      if (error instanceof UpgradeRefused) return this.#end(refusedUpgradeEnd(error, this.request, target.namespace));
      this.#end({ kind: 'failed', failure: failureFromNetwork(this.contexts.server(target.context), error) });
    }
  }

  #watch(socket: WebSocket): void {
    const deadAfter = this.options.deadAfterMs ?? 61_000;
    const heartbeat = new Heartbeat({
      intervalMs: this.options.pingIntervalMs ?? 5_000,
      deadAfterMs: deadAfter,
      // Pinging goes on while paused, so the cluster hears us and keeps the connection while we hold it.
      ping: () => socket.ping(),
      // While paused we read nothing, pongs included: silence then is ours, not the cluster's.
      holding: () => this.#paused,
      gone: () => {
        this.#end({ kind: 'dropped', reason: `no answer from the cluster for ${Math.round(deadAfter / 1000)} s` });
        socket.terminate();
      },
    });
    this.#heartbeat = heartbeat;
    const alive = () => heartbeat.heard();
    socket.on('message', alive);
    socket.on('pong', alive);
    socket.on('ping', alive);
    socket.on('close', (code) => this.#end({ kind: 'dropped', reason: this.#closing ? 'closed' : `the connection to the cluster closed without a status (code ${code})` }));
    socket.on('error', (error) => this.#end({ kind: 'dropped', reason: error.message }));
  }

  #sink(deliver: (chunk: Uint8Array) => void): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (this.#outputHead.length < MISSING_COMMAND_OUTPUT_BYTES) this.#outputHead += chunk.toString('utf8', 0, MISSING_COMMAND_OUTPUT_BYTES);
        if (this.#ended) return done();
        if (this.#paused) this.#held.push({ deliver, chunk });
        else deliver(chunk);
        done();
      },
    });
  }

  #sendSize(socket: WebSocket, size: TerminalSize): void {
    socket.send(Buffer.concat([Buffer.of(resizeChannel), Buffer.from(JSON.stringify({ Width: size.cols, Height: size.rows }))]));
  }

  #end(end: ExecEnd): void {
    if (this.#ended) return;
    this.#release(true); // the exec is over: what it wrote goes before how it ended
    if (this.#ended) return; // a listener closed the exec while it took that output
    this.#ended = true;
    this.#heartbeat?.stop();
    for (const sent of [...this.#waitingToSend.splice(0), ...this.#waitingForPing.splice(0)]) sent();
    this.listener.ended(end);
  }

  /** Deliver held output, stopping if a delivery pauses us again (unless `all`). */
  #release(all = false): void {
    while (this.#held.length && (all || !this.#paused)) {
      const { deliver, chunk } = this.#held.shift()!;
      deliver(chunk);
    }
  }

  write(data: Uint8Array, sent?: () => void): void {
    // after closeStdin nothing more is stdin: written, the ended PassThrough would raise an error nobody catches
    if (this.#ended || this.#stdin.writableEnded) return sent?.();
    this.#stdin.write(data);
    if (sent) this.#whenSent(sent);
  }

  /**
   * Calls `sent` once the socket's send buffer is below the high water mark. client-node sends
   * stdin on the stream's next turn, so the check waits for that; a ping queued behind a full
   * buffer is written once all before it is, and its callback says so. One ping at a time: every
   * write waits for the user's input now (terminal-io.ts counts what has not gone), and a ping per
   * write would reach a cluster that held its reading (its process's input full) as a burst of
   * pings, which ws's maxPendingAutoPongs (a peer that pings faster than it reads pongs) ends the
   * connection for (CI136: a 10 MB paste, 1006).
   */
  #whenSent(sent: () => void): void {
    const socket = this.#socket;
    if (!socket) return void this.#waitingToSend.push(sent);
    setImmediate(() => {
      if (this.#ended || socket.bufferedAmount < stdinHighWater) return sent();
      this.#waitingForPing.push(sent);
      if (!this.#pinging) this.#ping(socket);
    });
  }

  /** A ping behind what was written so far: its writers are told once it is out, and those who wrote meanwhile wait for the next (if the buffer is still full). */
  #ping(socket: WebSocket): void {
    this.#pinging = true;
    const behind = this.#waitingForPing.splice(0);
    socket.ping(undefined, undefined, () => {
      this.#pinging = false;
      for (const sent of behind) sent();
      if (this.#waitingForPing.length === 0) return;
      if (this.#ended || socket.bufferedAmount < stdinHighWater) for (const sent of this.#waitingForPing.splice(0)) sent();
      else this.#ping(socket);
    });
  }

  /** On v4 client-node can only say it by closing the socket, which loses the exit status. */
  closeStdin(): void {
    if (!this.#ended) this.#stdin.end();
  }

  resize(size: TerminalSize): void {
    this.#size = size;
    if (this.#socket && !this.#ended) this.#sendSize(this.#socket, size);
  }

  pause(): void {
    this.#paused = true;
    if (this.#socket) setReading(this.#socket, false);
  }

  resume(): void {
    this.#paused = false;
    this.#release();
    if (!this.#paused && this.#socket) setReading(this.#socket, true); // a delivery above may have paused again
  }

  close(): void {
    this.#closing = true;
    this.#dialing?.abort(new Error('closed'));
    if (this.#socket) {
      this.#socket.close(1000);
      // The cluster's answer to the close must be read, or ws holds the connection 30 s for it
      // (`batch … | head -1` waited that long to exit). Output still coming is dropped: ended below.
      setReading(this.#socket, true);
    }
    this.#end({ kind: 'dropped', reason: 'closed' });
  }
}
