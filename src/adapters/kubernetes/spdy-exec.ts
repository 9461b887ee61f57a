// Exec (or attach, mode attach) over SPDY/3.1 (remotecommand v5/v4), the transport kubectl 1.29 and older speak and the
// one kubectl 1.30+ falls back to: one SPDY stream per channel, opened one after the other
// (each after the server's SYN_REPLY, as kubectl does), stdin EOF as the stdin stream's FIN, a
// resize stream of JSON objects, the Status on the error stream. Around it, like the WebSocket
// adapter: the cluster's own words when it refuses, pings for liveness, pause by not reading,
// and exactly one `ended`. With a person on the request, the kubeconfig is the impersonating one
// (exec-target.ts), whose applyToHTTPSOptions adds the headers to the upgrade.
import { MISSING_COMMAND_OUTPUT_BYTES, type ExecAdapter, type ExecEnd, type ExecListener, type ExecRequest, type ExecStream } from '../exec.ts';
import type { TerminalSize } from '../../domain/target.ts';
import type { SpdySession } from '../../spdy/session.ts';
import type { SpdyStream } from '../../spdy/stream.ts';
import type { SpdyHeaders } from '../../spdy/header-block.ts';
import { RstStatus } from '../../spdy/frames.ts';
import { statusFromText, UpgradeRefused } from './channel-socket.ts';
import { dialSpdy } from './spdy-dialer.ts';
import type { KubeContexts } from './kubeconfig.ts';
import { endFromStatus, failureFromHttp, failureFromNetwork, refusedUpgradeEnd, type KubeStatusLike } from './status.ts';
import { configForExec } from './exec-target.ts';
import { channelPath } from './channel-path.ts';
import { Buffer } from 'node:buffer';
import { Heartbeat } from '../../domain/heartbeat.ts';

/**
 * After the status, how long to wait for stdout/stderr to end. Our sandbox ends them before the
 * status; an API server may end them only when it closes the connection right after.
 */
const outputAfterStatusMs = 2_000;
/** What the cluster did on the error stream that made the session reset it (RST_STREAM status, session.ts). */
const ourResets: Record<number, string> = {
  [RstStatus.StreamInUse]: 'answered the stream twice',
  [RstStatus.StreamAlreadyClosed]: 'sent on it after its end',
};

/** The end when the error stream went without a Status (reset, by the cluster or by us) while the connection lives. */
function statusLost(stream: SpdyStream): ExecEnd {
  const what = stream.resetByPeer
    ? "The cluster reset the exec's status stream instead of saying how the command ended"
    : `The cluster broke the SPDY protocol on the exec's status stream (it ${ourResets[stream.resetStatus ?? 0] ?? 'sent what the protocol does not allow'}), so octant-exec reset that stream`;
  return { kind: 'failed', failure: { reason: 'unknown', message: `${what}: the command's exit status is not known, and the output shown is all that came. Check in the container whether it did its work before running it again.` } };
}

/** client-go: an empty error stream is success, anything else a Status. */
function statusOf(text: string): KubeStatusLike {
  return text.trim() ? statusFromText(text) : { status: 'Success' };
}

/** A Status is well under this; an error stream that goes on past it is not one, and is not collected. */
const maxStatusBytes = 64 * 1024;
/** client-go's createStreamResponseTimeout: a stream the server does not answer by then fails the exec. */
const streamReplyTimeoutMs = 30_000;

export interface SpdyExecOptions {
  /** no answer to the upgrade (or an answer that does not end) within this: the exec fails (default 30 s) */
  upgradeTimeoutMs?: number;
  /** ping the API server this often (client-go: 5 s) */
  pingIntervalMs?: number;
  /** no frame and no ping answer for this long, counted while we were free to read (src/domain/heartbeat.ts): the connection is dead (client-go: 61 s) */
  deadAfterMs?: number;
}

/** How `opened` names this transport: the remotecommand version and the framing under it. */
export const spdyProtocolName = (version: string): string => `${version} over SPDY/3.1`;

export class SpdyExecAdapter implements ExecAdapter {
  constructor(
    private readonly contexts: KubeContexts,
    private readonly options: SpdyExecOptions = {},
  ) {}

  open(request: ExecRequest, listener: ExecListener): ExecStream {
    return new SpdyExecStream(this.contexts, request, listener, this.options);
  }
}

interface Streams {
  error?: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

class SpdyExecStream implements ExecStream {
  #session: SpdySession | undefined;
  #streams: Streams = {};
  #open = false;
  #ended = false;
  #closing = false;
  #paused = false;
  /** stdin written before the stdin stream is open, in order; 'eof' for closeStdin */
  #pendingStdin: ({ data: Uint8Array; sent?: () => void } | 'eof')[] = [];
  #size: TerminalSize | undefined;
  #outputHead = '';
  /** how the exec ended, once the error stream said it (or went without saying) */
  #ending: (() => ExecEnd) | undefined;
  /** output that arrived and waits unread in its stream (paused): delivered before `ended` */
  #unread: (() => void)[] = [];
  #outputsOpen = 0;
  #heartbeat: Heartbeat | undefined;
  #timers: ReturnType<typeof setTimeout>[] = [];
  /** while the upgrade is under way: close() or the timeout stops it, and its connection with it */
  #dialing: AbortController | undefined;

  constructor(
    private readonly contexts: KubeContexts,
    private readonly request: ExecRequest,
    private readonly listener: ExecListener,
    private readonly options: SpdyExecOptions,
  ) {
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const { target } = this.request;
    const found = configForExec(this.contexts, target, this.request.person);
    if ('failure' in found) return this.#end({ kind: 'failed', failure: found.failure });
    const { config } = found;
    let connection;
    this.#dialing = new AbortController();
    try {
      connection = await dialSpdy(config, channelPath(this.request), this.#dialing.signal, this.options.upgradeTimeoutMs);
    } catch (error) {
      if (error instanceof UpgradeRefused) return this.#end(refusedUpgradeEnd(error, this.request, target.namespace));
      return this.#end({ kind: 'failed', failure: failureFromNetwork(this.contexts.server(target.context), error) });
    } finally {
      this.#dialing = undefined;
    }
    const { session, protocol } = connection;
    this.#session = session;
    if (this.#closing || this.#ended) return void session.destroy();
    session.on('close', (error) => this.#sessionGone(error));
    this.#watch(session);
    try {
      await this.#openStreams(session);
    } catch (error) {
      if (!this.#ended) this.#end({ kind: 'dropped', reason: `the cluster did not accept the exec streams (${(error as Error).message})` });
      return void session.destroy();
    }
    if (this.#ended) return;
    this.#open = true;
    this.listener.opened(spdyProtocolName(protocol));
    for (const input of this.#pendingStdin.splice(0)) input === 'eof' ? this.#sendStdin('eof') : this.#sendStdin(input.data, input.sent);
    this.#size ??= this.request.size;
    if (this.#size) this.#sendSize(this.#size);
    if (this.#paused) this.pause();
  }

  /** One at a time, each after the server's reply: the order and pace kubectl uses. */
  async #openStreams(session: SpdySession): Promise<void> {
    const open = async (streamtype: keyof Streams): Promise<SpdyStream> => {
      const stream = session.openStream({ streamtype } satisfies SpdyHeaders);
      stream.on('error', () => {}); // a reset shows as the stream closing; the session reports the rest
      this.#streams[streamtype] = stream;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reply to the ${streamtype} stream within ${streamReplyTimeoutMs / 1000} s`)), streamReplyTimeoutMs);
      });
      try {
        await Promise.race([stream.response, timeout]);
      } finally {
        clearTimeout(timer);
      }
      return stream;
    };
    const error = await open('error');
    const statusChunks: Buffer[] = [];
    let statusBytes = 0;
    error.on('data', (chunk: Buffer) => {
      this.#heard();
      statusBytes += chunk.length;
      if (statusBytes <= maxStatusBytes) return void statusChunks.push(chunk);
      this.#end({ kind: 'failed', failure: failureFromHttp(500, { message: `the cluster's error stream went on past ${maxStatusBytes} bytes, which no Status takes` }) });
    });
    error.on('end', () => {
      const status = statusOf(Buffer.concat(statusChunks).toString('utf8'));
      this.#statusArrived(() => endFromStatus(status, this.request.argv[0] ?? '', this.#outputHead));
    });
    // Reset rather than ended (RST_STREAM): no Status will come while the connection lives on.
    // client-go reads that as success; we say the ending is unknown, once the output is done.
    error.on('close', () => {
      if (!this.#ending && !this.#closing) this.#statusArrived(() => statusLost(error));
    });
    // The cluster has nothing to say on stdin or resize; what it sends there anyway is read and
    // dropped: left unread, past a window it would stop the session reading anything (overrun-brake.ts).
    if (this.request.stdin) (await open('stdin')).resume();
    this.#output(await open('stdout'), (chunk) => this.listener.stdout(chunk));
    if (!this.request.tty) this.#output(await open('stderr'), (chunk) => this.listener.stderr(chunk));
    if (this.request.tty) (await open('resize')).resume();
  }

  #output(stream: SpdyStream, deliver: (chunk: Uint8Array) => void): void {
    this.#outputsOpen++;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      this.#outputsOpen--;
      this.#maybeFinish();
    };
    const take = (chunk: Buffer) => {
      this.#heard();
      if (this.#outputHead.length < MISSING_COMMAND_OUTPUT_BYTES) this.#outputHead += chunk.toString('utf8', 0, MISSING_COMMAND_OUTPUT_BYTES);
      if (!this.#ended) deliver(chunk);
    };
    let draining = false;
    stream.on('data', (chunk: Buffer) => draining || take(chunk));
    // What arrived while paused waits in the stream's buffer, and stays there when the stream is
    // destroyed (the connection closed after the Status, or the stream was reset): read() still
    // hands it out. It emits 'data' too, but not once the stream's 'close' has been: so what
    // read() returns is what is taken, and 'data' meanwhile is ignored.
    this.#unread.push(() => {
      draining = true;
      for (let chunk: Buffer | null; (chunk = stream.read()) !== null; ) take(chunk);
      draining = false;
    });
    stream.on('end', finished);
    stream.on('close', finished);
  }

  #statusArrived(ending: () => ExecEnd): void {
    if (this.#ended) return;
    this.#ending = ending;
    this.#timers.push(setTimeout(() => this.#finish(), outputAfterStatusMs));
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (this.#ending && this.#outputsOpen === 0) this.#finish();
  }

  #finish(): void {
    if (!this.#ending) return;
    this.#deliverUnread(); // before the ending is worked out: it reads the output's first bytes
    this.#end(this.#ending());
  }

  #deliverUnread(): void {
    for (const drain of this.#unread) drain();
  }

  #sessionGone(error: Error | undefined): void {
    if (this.#ending) return this.#finish();
    this.#end({ kind: 'dropped', reason: this.#closing ? 'closed' : `the connection to the cluster closed without a status${error ? ` (${error.message})` : ''}` });
  }

  #heard(): void {
    this.#heartbeat?.heard();
  }

  #watch(session: SpdySession): void {
    const deadAfter = this.options.deadAfterMs ?? 61_000;
    this.#heartbeat = new Heartbeat({
      intervalMs: this.options.pingIntervalMs ?? 5_000,
      deadAfterMs: deadAfter,
      // Pinging goes on while paused, so the cluster hears us and keeps the connection while we hold it.
      ping: () => void session.ping().then(() => this.#heard(), () => {}),
      // While paused we read nothing (the socket itself may be paused): silence then is ours.
      holding: () => this.#paused,
      gone: () => {
        this.#end({ kind: 'dropped', reason: `no answer from the cluster for ${Math.round(deadAfter / 1000)} s` });
        session.destroy();
      },
    });
    session.on('peerPing', () => this.#heard()); // the cluster's own heartbeat is a frame from it too
  }

  #sendStdin(input: Uint8Array | 'eof', sent?: () => void): void {
    const stdin = this.#streams.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return sent?.();
    if (input === 'eof') stdin.end();
    else stdin.write(input, () => sent?.());
  }

  #sendSize(size: TerminalSize): void {
    const resize = this.#streams.resize;
    if (resize && !resize.destroyed && !resize.writableEnded) resize.write(`${JSON.stringify({ Width: size.cols, Height: size.rows })}\n`);
  }

  #end(end: ExecEnd): void {
    if (this.#ended) return;
    this.#deliverUnread(); // the exec is over: what it wrote goes before how it ended, paused or not
    if (this.#ended) return; // a listener closed the exec while it took that output
    this.#ended = true;
    this.#heartbeat?.stop();
    for (const timer of this.#timers) clearTimeout(timer);
    // stdin that never got out will not: its writers go on (to find the exec over)
    for (const input of this.#pendingStdin.splice(0)) if (input !== 'eof') input.sent?.();
    // Like kubectl once it has the status: cancel what is still open, GOAWAY, close.
    if (this.#session) {
      for (const stream of Object.values(this.#streams) as SpdyStream[]) stream.destroy();
      this.#session.close();
      const session = this.#session;
      setTimeout(() => session.destroy(), 1_000).unref?.();
    }
    this.listener.ended(end);
  }

  write(data: Uint8Array, sent?: () => void): void {
    if (this.#ended || !this.request.stdin) return sent?.();
    if (this.#open) this.#sendStdin(data, sent);
    else this.#pendingStdin.push({ data, ...(sent ? { sent } : {}) });
  }

  closeStdin(): void {
    if (this.#ended || !this.request.stdin) return;
    if (this.#open) this.#sendStdin('eof');
    else this.#pendingStdin.push('eof');
  }

  resize(size: TerminalSize): void {
    this.#size = size;
    if (this.#open && !this.#ended) this.#sendSize(size);
  }

  pause(): void {
    this.#paused = true;
    this.#streams.stdout?.pause();
    this.#streams.stderr?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#heard();
    if (!this.#open) return;
    this.#streams.stdout?.resume();
    this.#streams.stderr?.resume();
  }

  close(): void {
    this.#closing = true;
    this.#dialing?.abort(new Error('closed'));
    this.#end({ kind: 'dropped', reason: 'closed' });
  }
}
