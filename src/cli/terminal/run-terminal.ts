// One terminal of a running server in this process's terminal: the action is started with
// POST /exec, its session shown through the socket (output to stdout and stderr as it comes,
// acknowledged once written: a slow terminal holds the remote process back, as in the page),
// keys and size sent to it, and its end turned into this command's exit. In a terminal, a dropped
// connection is reconnected, as the page's is, and the output goes on from the byte it reached
// (keys typed meanwhile are lost, and said to be), up to $OCTANT_EXEC_RECONNECT_SECONDS (60 s).
// Without a terminal it is not: stdin is piped, and what of it (or of its end) was in flight on the
// dropped socket cannot be known, so the process could run on a part of its input. Whatever way it
// ends (the remote end, a detach, a signal, a connection lost for good, garbage from the server), this
// terminal's mode is restored and the session is closed, as the page's tab close does: an
// attach only detaches, a debug copy is deleted.
import process from 'node:process';
import { isEnded, isId, PROTOCOL_VERSION, type ExecRequest, type ExecStarted, type ServerMessage, type SessionRow } from '../../protocol/index.ts';
import { callServerJson, ServerError, serverText, type ServerAccess } from '../server/server-client.ts';
import { serverSocket } from '../server/server-socket.ts';
import { LocalTerminal } from './local-terminal.ts';
import { outcomeOf, type Outcome } from './session-end.ts';
import { pumpStdin } from './stdin-pump.ts';
import { UsageError } from '../usage.ts';
import { RUNNING_WITHIN_MS } from '../../domain/pod.ts';

export interface TerminalRun {
  access: ServerAccess;
  request: ExecRequest;
  /** `octant-exec exec`, for the messages */
  program: string;
  /** attach: Ctrl-P Ctrl-Q leaves, and the end of a piped stdin too (the process goes on) */
  detachable?: boolean;
  /** a line for stderr once attached (what this terminal is, how to leave it) */
  notice?(row: SessionRow): string | undefined;
  /** the process has a terminal, this one (default: whether stdin is a terminal) */
  tty?: boolean;
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
/** how long a dropped connection is tried again before the command gives up (a restarted server, a proxy's failover) */
const RECONNECT_SECONDS = 60;

/** $OCTANT_EXEC_RECONNECT_SECONDS: how long to try again after a drop (0: never), whole seconds up to an hour. */
function reconnectWithinMs(env: NodeJS.ProcessEnv): number {
  const given = env.OCTANT_EXEC_RECONNECT_SECONDS;
  if (given === undefined || given === '') return RECONNECT_SECONDS * 1000;
  if (!/^\d{1,4}$/.test(given) || Number(given) > 3600) throw new UsageError(`OCTANT_EXEC_RECONNECT_SECONDS is whole seconds from 0 (never reconnect) to 3600, not ${JSON.stringify(given.slice(0, 40))}`);
  return Number(given) * 1000;
}

export async function runTerminal(run: TerminalRun): Promise<number> {
  const reconnectMs = reconnectWithinMs(process.env);
  const local = new LocalTerminal(run.tty ?? process.stdin.isTTY === true);
  // The socket first: a server that refuses it is found before anything starts, and the attach
  // follows the start at once.
  const view = new SessionView(run, local, reconnectMs);
  let sessionId: string | undefined;
  try {
    await view.ready;
    sessionId = await start(run);
    const outcome = await view.show(sessionId);
    local.restore();
    // in a terminal the cursor may sit after the shell's prompt: the sentence goes on a line of its own
    if (outcome.sentence && local.tty && view.midLine) process.stderr.write('\n');
    if (outcome.sentence) say(run, outcome.sentence);
    return outcome.code;
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    local.restore();
    say(run, error.message);
    return 1;
  } finally {
    view.close();
    local.restore();
    // ends it if it still runs and takes it off the list; for an attach, only a detach (a server
    // that does not answer is not waited for long: its idle timeout ends the terminal)
    if (sessionId) await closeSession(run.access, sessionId);
    // Died of it, as kubectl does: a shell loop around the command stops at Ctrl-C (an exit
    // status of 130 would go on to the next turn). Its handlers are off by now.
    const signal = view.signal;
    if (signal) setImmediate(() => process.kill(process.pid, signal));
  }
}

const CLOSE_WAIT_MS = 5000;

async function closeSession(access: ServerAccess, sessionId: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
  const closing = callServerJson(access, 'POST', `/api/v1/sessions/${sessionId}/close`).then(() => undefined, () => undefined);
  await Promise.race([closing, late]);
  clearTimeout(timer);
}

/** A sentence of the protocol's inside one of ours. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function say(run: TerminalRun, line: string): void {
  process.stderr.write(`${run.program}: ${line}\n`);
}

/**
 * How long the start's answer may take: a debug copy's comes once the copy runs, which the server
 * waits up to RUNNING_WITHIN_MS for after making it; the usual wait is no longer than that, and a
 * copy that came up at the last moment (or the server's 504 saying why not) would be given up on.
 */
export function startAnswerWaitMs(request: ExecRequest): number | undefined {
  return request.mode?.kind === 'copy' ? RUNNING_WITHIN_MS + 30_000 : undefined;
}

async function start(run: TerminalRun): Promise<string> {
  const waitMs = startAnswerWaitMs(run.request);
  const access = waitMs === undefined ? run.access : { ...run.access, answerWaitMs: waitMs };
  const started = await callServerJson<ExecStarted>(access, 'POST', '/api/v1/exec', {}, run.request);
  const sessionId = started?.sessionIds?.[0];
  if (!isId(sessionId)) throw new ServerError(`the server at ${run.access.url.origin} started no terminal it could name: is it an octant-exec server?`);
  return sessionId;
}

/** The socket side of one session, until it ends one way or another. */
class SessionView {
  /** the server said hello; rejects with a ServerError when the socket could not be opened */
  readonly ready: Promise<void>;
  /** the signal that ended it (SIGINT, SIGTERM, SIGHUP), for this process to die of once it has cleaned up */
  signal: NodeJS.Signals | undefined;
  /** the output shown so far ends inside a line */
  midLine = false;
  #ready!: { resolve: () => void; reject: (error: Error) => void };
  #end!: (outcome: Outcome) => void;
  readonly #ended: Promise<Outcome>;
  #sessionId: string | undefined;
  #over = false;
  #hello = false;
  /** offset reached, and where the replay that follows `attached` ends */
  #offset = 0;
  #replayTo = 0;
  #attached = false;
  /** whether the note on being skipped to the screen was given */
  #skippedSaid = false;
  /** reconnected: the next `attached` is the attach again from the offset reached */
  #reattaching = false;
  /** set while a dropped connection is tried again: its end gives up */
  #outage: ReturnType<typeof setTimeout> | undefined;
  #endedRow: SessionRow | undefined;
  #stopStdin: (() => void) | undefined;
  /** input bytes the socket client still holds (paced) */
  #inputPending = 0;
  #detachWhenSent = false;
  /** the server's, from its hello */
  #inputBytesPerSecond = 1024 * 1024;
  readonly #client;
  readonly #stopSignals: () => void;

  constructor(
    readonly run: TerminalRun,
    readonly local: LocalTerminal,
    /** how long a dropped connection is tried again; 0: not at all */
    reconnectMs: number,
  ) {
    this.ready = new Promise((resolve, reject) => (this.#ready = { resolve, reject }));
    this.#ended = new Promise((resolve) => (this.#end = resolve));
    const origin = run.access.url.origin;
    this.#client = serverSocket(run.access, {
      protocolError: (what) => this.#finish({ code: 1, sentence: `the server at ${origin} sent ${lowerFirst(serverText(what).replace(/\.$/, ''))}, which is not the terminal protocol: is --server an octant-exec server of this version?` }),
    });
    this.#client.onState((state) => {
      if (state === 'open') return this.#reconnected();
      if (state !== 'reconnecting') return;
      if (!this.#hello) return this.#finish({ code: 1, sentence: `the octant-exec server at ${origin} refused or dropped the terminal socket: check that it runs and that the token is its own` });
      const dropped = `the connection to the octant-exec server at ${origin} dropped`;
      const leftTo = this.#leftTo();
      if (!this.#attached || reconnectMs === 0) return this.#finish({ code: 1, sentence: `${dropped}${leftTo}` });
      if (!local.tty) return this.#finish({ code: 1, sentence: `${dropped}, and without a terminal it is not resumed: some of the piped input, or its end, may not have reached the process${leftTo}` });
      const seconds = reconnectMs / 1000;
      this.#note(`${dropped}: reconnecting for up to ${seconds} s (the terminal goes on on the server; keys typed meanwhile are lost; Ctrl-C gives up)`);
      this.#outage = setTimeout(() => this.#finish({ code: 1, sentence: `${dropped} and could not be reached again within ${seconds} s${leftTo}` }), reconnectMs);
    });
    this.#client.onMessage((message) => this.#message(message));
    this.#stopSignals = this.#onSignals();
    // A reader that went away (`… | head -1`): ended quietly as SIGPIPE would end it (141), the
    // session closed; any other failure to write is said.
    for (const out of [process.stdout, process.stderr]) {
      out.on('error', (error: NodeJS.ErrnoException) => this.#finish(error.code === 'EPIPE' ? { code: 141 } : { code: 1, sentence: `cannot write the terminal's output: ${error.message}` }));
    }
    this.#client.connect();
  }

  /** Shows the session until it ends (or the view ends). */
  show(sessionId: string): Promise<Outcome> {
    this.#sessionId = sessionId;
    this.#client.attach(sessionId, {
      output: (bytes, channel, written) => {
        this.#offset += bytes.length;
        if (bytes.length > 0) this.midLine = bytes[bytes.length - 1] !== 0x0a;
        (channel === 'stderr' ? process.stderr : process.stdout).write(bytes, () => written());
        this.#maybeEnded();
      },
      inputPending: (bytes) => {
        this.#inputPending = bytes;
        if (bytes === 0 && this.#detachWhenSent) this.#detach();
      },
    });
    return this.#ended;
  }

  close(): void {
    this.#finish({ code: 1 });
  }

  #message(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        this.#hello = true;
        if (message.protocol !== PROTOCOL_VERSION) return this.#finish({ code: 1, sentence: `the server speaks protocol ${serverText(String(message.protocol))}, this client ${PROTOCOL_VERSION}: use the same octant-exec version on both sides` });
        if (Number.isSafeInteger(message.limits?.inputBytesPerSecond) && message.limits.inputBytesPerSecond > 0) this.#inputBytesPerSecond = message.limits.inputBytesPerSecond;
        return this.#ready.resolve();
      case 'attached':
        if (message.sessionId !== this.#sessionId) return;
        // Skipped to the screen: someone not the terminal's owner (an admin) fell behind, and only the
        // owner holds a terminal back (docs/api.md, "Flow control"). Said once: under a flood it recurs.
        // Attached again after a reconnect, from the offset reached: the server may no longer hold all
        // of it (and may send the screen instead, `skipped` then too): that loss is the outage's.
        if (this.#reattaching) {
          this.#reattaching = false;
          if (Number.isSafeInteger(message.dropped) && message.dropped > 0) this.#note(`${message.dropped} bytes of output came while the connection was down and are no longer held by the server`);
        } else if (this.#attached && message.skipped !== undefined) {
          if (!this.#skippedSaid) this.#note('this terminal is not yours, so its output does not wait for you: when you fall behind you are shown its screen as it is, not every byte');
          this.#skippedSaid = true;
        }
        this.#offset = message.from;
        this.#replayTo = message.to;
        if (!this.#attached) this.#started(message.session);
        this.#attached = true;
        if (message.running) this.#running();
        return this.#sawRow(message.session);
      case 'stream':
        if (message.sessionId === this.#sessionId && message.state === 'opened') this.#running();
        return;
      case 'session':
        if (message.session?.sessionId === this.#sessionId) this.#sawRow(message.session);
        return;
      case 'sessionClosed':
      case 'detached':
        if (message.sessionId === this.#sessionId) this.#finish({ code: 1, sentence: 'the terminal was closed on the server (in the page, or by another client)' });
        return;
      case 'error':
        // input that arrives after the end is refused; that end is told by the session row
        if (message.sessionId === this.#sessionId && message.code !== 'notRunning') this.#finish({ code: 1, sentence: `the server refused this terminal: ${serverText(String(message.message))}` });
        return;
    }
  }

  #sawRow(row: SessionRow): void {
    if (typeof row !== 'object' || row === null || typeof row.state !== 'string' || !isEnded(row.state)) return;
    this.#endedRow = row;
    this.#maybeEnded();
  }

  /** Ended, and every byte it wrote before that is here. */
  #maybeEnded(): void {
    if (this.#endedRow && this.#offset >= this.#replayTo) this.#finish(outcomeOf(this.#endedRow));
  }

  /** Attached: told what it is, this terminal raw, its size sent. */
  #started(row: SessionRow): void {
    const sessionId = this.#sessionId;
    if (this.#over || !sessionId) return;
    const notice = this.run.notice?.(row);
    if (notice) process.stderr.write(`${this.run.program}: ${notice}\n`); // before raw mode: \n is a new line
    if (this.local.tty) {
      this.local.raw();
      this.local.onResize(({ cols, rows }) => this.#client.resize(sessionId, cols, rows));
    }
  }

  /** The process runs: stdin goes to it from now on (the server holds little of what comes sooner, and no end). */
  #running(): void {
    const sessionId = this.#sessionId;
    if (this.#over || !sessionId || this.#stopStdin) return;
    this.#stopStdin = pumpStdin(
      {
        send: (bytes) => (this.#outage ? this.#whileDropped(bytes) : this.#client.input(sessionId, bytes)),
        pending: () => this.#inputPending,
        // an attach leaves at the end of a pipe, once what was piped has gone
        end: () => (this.run.detachable ? this.#detachOnceSent() : this.#client.eof(sessionId)),
        detach: () => this.#detach(),
      },
      { detachKeys: this.run.detachable === true && this.local.tty, bytesPerSecond: this.#inputBytesPerSecond },
    );
  }

  /** Keys typed while the connection is down are lost; Ctrl-C stops waiting for it (kubectl ends at the drop). */
  #whileDropped(bytes: Uint8Array): void {
    if (bytes.includes(0x03)) this.#finish({ code: 1, sentence: `gave up reconnecting (Ctrl-C)${this.#leftTo()}` });
  }

  /** Where a terminal left behind by this command is, for the sentence that ends it. */
  #leftTo(): string {
    return this.#sessionId ? `: the terminal (${this.#sessionId}) is left to the server's idle timeout; see it in the page` : '';
  }

  #detachOnceSent(): void {
    if (this.#inputPending === 0) return this.#detach();
    this.#detachWhenSent = true;
  }

  #detach(): void {
    // the cursor may sit after a prompt
    if (this.local.tty) process.stderr.write('\r\n');
    this.#finish({ code: 0, sentence: 'detached: the process goes on running (attach again to go on with it)' });
  }

  #onSignals(): () => void {
    const handlers = Object.entries(SIGNALS).map(([signal, number]) => {
      const handler = () => {
        this.signal ??= signal as NodeJS.Signals;
        this.#finish({ code: 128 + number, sentence: `${signal}: the terminal was ended` });
      };
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    return () => handlers.forEach((off) => off());
  }

  /** The socket is open again after a drop: the socket client attaches again from the offset reached. */
  #reconnected(): void {
    if (!this.#outage || this.#over) return;
    clearTimeout(this.#outage);
    this.#outage = undefined;
    this.#reattaching = true;
    this.#note('reconnected');
  }

  /** A line on stderr in the middle of the session (in raw mode a new line needs its \r). */
  #note(line: string): void {
    process.stderr.write(`\r\n${this.run.program}: ${line}\r\n`);
  }

  /** Once: stdout and stderr are written out before the outcome is told. */
  #finish(outcome: Outcome): void {
    if (this.#over) return;
    this.#over = true;
    clearTimeout(this.#outage);
    // before the session starts, the end is the start's failure
    this.#ready.reject(new ServerError(outcome.sentence ?? 'ended before the terminal started'));
    this.#stopSignals();
    this.#stopStdin?.();
    this.#client.close();
    this.local.restore(); // while stdin is still open: raw mode is set through it
    process.stdin.pause();
    process.stdin.destroy();
    let pending = 2;
    const flushed = () => --pending === 0 && this.#end(outcome);
    process.stdout.write('', flushed);
    process.stderr.write('', flushed);
  }
}
