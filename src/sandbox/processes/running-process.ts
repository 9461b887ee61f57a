// What the exec session needs from a started container process, whether it runs on pipes or
// on a PTY: input, flow control, the group to end, and one exit code once all output is out.
import type { ChildProcess } from 'node:child_process';
import type { TerminalSize } from '../../domain/target.ts';

/** Where an exec's first process talks: its three pipes, or the terminal at a path. */
export type ProcessIo = { kind: 'pipes' } | { kind: 'terminal'; tty: string };

/**
 * How a container runtime starts an exec on this machine: detached (a session of its own, with no
 * controlling terminal), stdio three pipes. On a terminal the command runs on the terminal, opened
 * by path, and claims it as its controlling terminal itself (terminal-leader.ts); the pipes are
 * then unused.
 */
export interface ExecLaunch {
  start(io: ProcessIo, extraEnv: Record<string, string>): ChildProcess;
}

export interface ProcessOutput {
  stdout(chunk: Uint8Array): void;
  stderr(chunk: Uint8Array): void;
}

export interface RunningProcess {
  /** process group id (= pid: each exec leads a new session) */
  readonly pgid: number;
  /**
   * Queues input for the process; false once its input is full (the process is not reading):
   * stop taking input from the client until onInputDrain's listener runs.
   */
  write(chunk: Uint8Array): boolean;
  /** the process took its queued input (called after every write that returned false) */
  onInputDrain(listener: () => void): void;
  /** input bytes queued in the sandbox that the process has not taken yet */
  readonly inputQueued: number;
  endInput(): void;
  resize(size: TerminalSize): void;
  pauseOutput(): void;
  resumeOutput(): void;
  /**
   * Ends every process the exec started, children and their children included, and lets what
   * output is left flow, never paused again: a client that stopped reading must not hold the end.
   */
  end(): void;
  /** resolves with the exit code (128+S for signal S) after every byte of output was delivered */
  readonly exited: Promise<number>;
}

const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
};

/** The shell convention the kubelet reports too: a process killed by signal S exits 128+S. */
export function exitCodeOf(code: number | null, signal: string | number | null): number {
  if (code !== null && code !== undefined && !(signal && code === 0)) return code & 0xff;
  const number = typeof signal === 'number' ? signal : SIGNAL_NUMBERS[signal ?? ''] ?? 0;
  return number ? 128 + number : 1;
}
