// A container's main process: started once with the container (on pipes, or on a terminal when
// the spec says tty), its output kept in the container's log (log-buffer.ts) and handed live to
// everyone attached to it. Attaching and detaching never start or end it; it ends by itself, when
// its pod is deleted, or when the sandbox closes.
//
// Flow control is a pipe's: while any viewer (an attach) is behind, the process's output is
// paused, so nothing is lost for anyone and memory stays bounded; a viewer that must never slow
// the process (a `logs -f` reader) returns true and sheds load itself.
import type { TerminalSize } from '../../domain/target.ts';
import { LogBuffer } from './log-buffer.ts';
import type { ExecLaunch, RunningProcess } from './running-process.ts';
import { spawnOnPipes } from './pipe-process.ts';
import { DEFAULT_SIZE, spawnOnPty, TERMINAL_ENV } from './pty-process.ts';

export type OutputStream = 'stdout' | 'stderr';

export interface MainProcessSpec {
  stdin: boolean;
  tty: boolean;
}

/** Someone who sees the output live; false from write means "behind": wait for drained(viewer). */
export interface Viewer {
  write(stream: OutputStream, chunk: Uint8Array): boolean;
}

/** 128+SIGKILL, what the kubelet reports for a container that was killed (its pod deleted). */
const KILLED = 137;

export class MainProcess {
  readonly log = new LogBuffer();
  readonly startedAt = new Date();
  /** the exit code, once all output is in the log and with the viewers */
  readonly exited: Promise<number>;
  exitCode: number | undefined;
  finishedAt: Date | undefined;
  /** why the process never started, for a container that failed at once */
  startError: string | undefined;
  private resolveExit!: (code: number) => void;
  private proc: RunningProcess | undefined;
  private readonly viewers = new Set<Viewer>();
  private readonly behind = new Set<Viewer>();

  private constructor(readonly spec: MainProcessSpec) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    void this.exited.then((code) => {
      this.exitCode = code;
      this.finishedAt = new Date();
    });
  }

  /** Runs the launch as the container's main process. */
  static async start(launch: ExecLaunch, spec: MainProcessSpec): Promise<MainProcess> {
    const main = new MainProcess(spec);
    const output = { stdout: (chunk: Uint8Array) => main.output('stdout', chunk), stderr: (chunk: Uint8Array) => main.output('stderr', chunk) };
    const proc = spec.tty ? await spawnOnPty(launch, DEFAULT_SIZE, TERMINAL_ENV, output) : spawnOnPipes(launch, { stdin: spec.stdin, stdout: true, stderr: true }, output);
    main.proc = proc;
    if (!spec.stdin) proc.endInput(); // as a container without stdin: true reads end-of-file at once
    proc.exited.then(
      (code) => main.resolveExit(code),
      () => main.resolveExit(KILLED),
    );
    return main;
  }

  /**
   * A container without a main process of its own (the sandbox's pause stand-in): no output,
   * nothing to write to, and it ends only with its pod.
   */
  static idle(): MainProcess {
    return new MainProcess({ stdin: false, tty: false });
  }

  /** A main process that could not start: its container ended at once with this code. */
  static failed(code: number, message: string): MainProcess {
    const main = new MainProcess({ stdin: false, tty: false });
    main.startError = message;
    main.resolveExit(code);
    return main;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Starts handing output to the viewer; returns the detach function. */
  attach(viewer: Viewer): () => void {
    this.viewers.add(viewer);
    return () => {
      this.viewers.delete(viewer);
      this.drained(viewer);
    };
  }

  /** The viewer caught up: the process may go on once no viewer is behind. */
  drained(viewer: Viewer): void {
    if (this.behind.delete(viewer) && this.behind.size === 0) this.proc?.resumeOutput();
  }

  write(chunk: Uint8Array): void {
    if (this.spec.stdin && this.running) this.proc?.write(chunk);
  }

  /** End of input for the process (an attach with stdinOnce detached). */
  closeStdin(): void {
    this.proc?.endInput();
  }

  resize(size: TerminalSize): void {
    if (this.spec.tty && this.running) this.proc?.resize(size);
  }

  /** Kills the process and everything it started (its pod is deleted, or the sandbox closes). */
  end(): void {
    if (!this.proc) return this.resolveExit(KILLED);
    this.proc.end();
  }

  private output(stream: OutputStream, chunk: Uint8Array): void {
    this.log.append(chunk);
    for (const viewer of this.viewers) {
      if (!viewer.write(stream, chunk)) this.behind.add(viewer);
    }
    if (this.behind.size > 0) this.proc?.pauseOutput();
  }
}
