// The exec seam: one small interface every transport implements (Kubernetes over WebSocket,
// over SPDY/3.1, the fallback between them, and the scripted fake the machine tests use).
// Shaped after client-go's remotecommand Executor: open once, stream, end exactly once.
import type { ActionMode } from '../domain/exec-action.ts';
import type { Person } from '../domain/person.ts';
import type { ExecFailure, ExecTarget, TerminalSize } from '../domain/target.ts';

export interface ExecRequest {
  target: ExecTarget;
  /** team mode: the exec impersonates this person (Impersonate-User, Impersonate-Group), with the server's own credentials */
  person?: Person;
  /** argv, one element per word: never a shell string */
  argv: string[];
  tty: boolean;
  /** whether the process gets a stdin stream at all */
  stdin: boolean;
  /** initial terminal size for TTY execs */
  size?: TerminalSize;
  /** what the action does beyond a plain exec; adapters that prepare it (debug, copy, attach) act on it */
  mode?: ActionMode;
}

/**
 * A runtime that says in the output that a command is missing (Docker's "OCI runtime exec failed:
 * exec: \"bash\": executable file not found", then exit 126) says so within this many bytes:
 * the adapters read no further for it, and past them a program ran (terminal-io.ts relies on it).
 */
export const MISSING_COMMAND_OUTPUT_BYTES = 512;

/** How those words begin, on the output's first line (status.ts reads them only there): runc's, or Docker's before them. */
const MISSING_COMMAND_OPENINGS = ['oci runtime exec failed:', 'exec: '];

/**
 * Whether output beginning with `head` may still be a runtime's words that the command is missing:
 * output that begins otherwise (a shell's prompt) comes from a program that ran, known at its first byte.
 */
export function mayBeMissingCommandWords(head: string): boolean {
  const text = head.trimStart().toLowerCase();
  return MISSING_COMMAND_OPENINGS.some((opening) => text.startsWith(opening) || opening.startsWith(text));
}

/** How an exec ended. Exactly one is reported per stream. */
export type ExecEnd =
  | { kind: 'exited'; code: number }
  /**
   * `upgradeRefused`: the HTTP status when the server answered the exec upgrade with something
   * other than 101, i.e. nothing started (what a fallback between transports goes by); `busy`:
   * that was a cluster too busy, asked again as long as its Retry-After allowed
   */
  | { kind: 'failed'; failure: ExecFailure; upgradeRefused?: number; busy?: true }
  | { kind: 'dropped'; reason: string };

/** What an adapter prepared for a run before its stream opened (debug-exec.ts), for the log. */
export interface PreparedNote {
  /** the ephemeral container the run is in (mode debug) */
  debugContainer?: string;
}

export interface ExecListener {
  /** the stream is established; `protocol` names the wire protocol (e.g. v5.channel.k8s.io) */
  opened(protocol: string, prepared?: PreparedNote): void;
  stdout(chunk: Uint8Array): void;
  stderr(chunk: Uint8Array): void;
  /** called once, last; nothing is delivered after it */
  ended(end: ExecEnd): void;
}

export interface ExecStream {
  /**
   * stdin bytes; `sent`, when given, is called once they have left this process's buffers (or
   * will never be sent, the exec being over): a bulk writer (an upload) waits for it before the
   * next chunk, so memory stays flat however fast it could read
   */
  write(data: Uint8Array, sent?: () => void): void;
  /** stdin EOF */
  closeStdin(): void;
  resize(size: TerminalSize): void;
  /** stop reading from upstream until resume (flow control); output is buffered by the transport, not dropped */
  pause(): void;
  resume(): void;
  /** end the exec now; `ended` is still reported (as dropped, reason "closed") unless it already was */
  close(): void;
}

export interface ExecAdapter {
  open(request: ExecRequest, listener: ExecListener): ExecStream;
}
