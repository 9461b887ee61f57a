// One file transfer as an exec action: `tar` run in the container by the supervisor like any
// terminal (listed, closable, idle timeout, audited), its output claimed for the HTTP request
// alone (terminal-io.ts: never the hub's scrollback or viewers), its stdin fed with backpressure.
import type { ActionMode, ExecAction } from '../../domain/exec-action.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import type { LogEntry } from '../../events/log-entry.ts';
import { HttpError } from '../replies.ts';
import { ChunkQueue } from './chunk-queue.ts';
import { TarWarnings } from './tar-warnings.ts';

/** stderr kept for the error message: tar's complaints are short */
const MAX_STDERR = 8 * 1024;
const CANCELLED = { kind: 'ended', status: 409, message: 'The transfer was cancelled (its session was closed).' } as const;

export type TransferOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'failed'; reason: string; message: string }
  /** `status`: the HTTP status it answers (504 idle, 409 cancelled, 502 the connection lost) */
  | { kind: 'ended'; status: number; message: string };

export interface TransferTarget {
  context?: string;
  namespace: string;
  pod: string;
  container: string;
}

export class TransferRun {
  readonly requestId: string;
  readonly sessionId: string;
  readonly output: ChunkQueue;
  readonly ended: Promise<TransferOutcome>;
  /** all of stderr, read for the one warning that leaves a download whole */
  readonly warnings = new TarWarnings();
  #stderr = '';
  #closed = false;
  /** how it ended, once it has (the output has ended by then too) */
  outcome: TransferOutcome | undefined;
  #release: () => void;
  #stopWatching: () => void = () => {};
  /** settles `ended` (the first outcome stays) */
  #settle!: (outcome: TransferOutcome) => void;

  constructor(
    private readonly system: ExecSystem,
    target: TransferTarget,
    who: Pick<ExecAction, 'requestedBy' | 'person'>,
    mode: Extract<ActionMode, { kind: 'upload' | 'download' }>,
    argv: string[],
  ) {
    const action: ExecAction = {
      target: { ...(target.context ? { context: target.context } : {}), namespace: target.namespace, pod: target.pod, containers: [target.container] },
      command: { argv },
      interactive: false,
      ...who,
      mode,
    };
    // Watching starts before the exec: an exec that fails at once reports it within exec().
    let resolveEnded!: (outcome: TransferOutcome) => void;
    this.ended = new Promise((resolve) => (resolveEnded = resolve));
    const settle = resolveEnded;
    resolveEnded = this.#settle = (outcome) => {
      this.outcome ??= outcome;
      this.output?.end();
      settle(this.outcome);
    };
    const early: LogEntry[] = [];
    let sessionId: string | undefined;
    this.#stopWatching = system.onEntry((entry) => {
      if (!('sessionId' in entry)) return;
      if (sessionId === undefined) return void early.push(entry);
      const outcome = entry.sessionId === sessionId ? outcomeOf(entry) : undefined;
      if (outcome) resolveEnded(outcome);
    });
    const result = system.exec(action, [target.container]);
    if ('refused' in result) {
      this.#stopWatching();
      throw new HttpError(429, result.refused);
    }
    this.requestId = result.requestId;
    this.sessionId = sessionId = result.sessionIds[0];
    for (const entry of early) {
      const outcome = 'sessionId' in entry && entry.sessionId === sessionId ? outcomeOf(entry) : undefined;
      if (outcome) resolveEnded(outcome);
    }
    this.output = new ChunkQueue({ pause: () => system.io.pause(this.sessionId), resume: () => system.io.resume(this.sessionId) });
    this.#release = system.io.claim(this.sessionId, (channel, chunk) => {
      if (channel === 'stdout') return this.output.push(chunk);
      this.warnings.push(chunk);
      if (this.#stderr.length < MAX_STDERR) this.#stderr += Buffer.from(chunk).toString('utf8');
    });
    if (this.outcome) this.output.end();
  }

  /** What tar wrote on stderr (bounded). */
  get stderr(): string {
    return this.#stderr.slice(0, MAX_STDERR);
  }

  /** Sends stdin bytes, resolving once they are on their way (false: the exec is not running any more). */
  async send(chunk: Uint8Array): Promise<boolean> {
    if (!this.system.io.isRunning(this.sessionId) && !(await this.#opened())) return false;
    return new Promise((resolve) => {
      if (!this.system.io.input(this.sessionId, chunk, () => resolve(true))) resolve(false);
    });
  }

  closeStdin(): void {
    this.system.io.closeStdin(this.sessionId);
  }

  /** Resolves when the stream is open (true) or the run has ended first (false). */
  #opened(): Promise<boolean> {
    return new Promise((resolve) => {
      const stop = this.system.io.listen({
        streamOpened: (id) => {
          if (id !== this.sessionId) return;
          stop();
          resolve(true);
        },
      });
      void this.ended.then(() => {
        stop();
        resolve(this.system.io.isRunning(this.sessionId));
      });
    });
  }

  /** Ends the transfer (cancels it if it still runs) and takes it off the terminals list; its audit record stays. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // no log entry of its end is heard after this: whoever still waits for one learns it was cancelled
    this.#settle(CANCELLED);
    this.#stopWatching();
    this.#release();
    this.output.end();
    this.system.close(this.sessionId);
  }
}

function outcomeOf(entry: LogEntry): TransferOutcome | undefined {
  switch (entry.type) {
    case 'session.exited':
      return { kind: 'exited', code: entry.code };
    case 'session.failed':
      return { kind: 'failed', reason: entry.failure.reason, message: entry.failure.message };
    case 'session.timedOut':
      return { kind: 'ended', status: 504, message: `The transfer was idle for ${Math.round(entry.afterMs / 1000)} s and was ended: try again.` };
    case 'session.disconnected':
      return { kind: 'ended', status: 502, message: `The transfer was cut off (${entry.detail ?? entry.reason}): try again.` };
    case 'session.closed':
      return CANCELLED;
    default:
      return undefined;
  }
}
