// A TTY exec on a pseudo-terminal: one output stream (stdout), the size set from resize messages.
// The command leads a new session with the terminal as its controlling tty (terminal-start.ts).
//
// Draining: the sandbox holds the terminal's slave side open itself, so the master never sees
// EIO while output is still queued. When the process is reaped, everything else on its terminal
// is ended and a random marker is written to the slave; output is complete once the marker comes out of
// the master, since a terminal keeps order. The marker is cut off and never reaches the client.
import { closeSync, statSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { randomBytes } from 'node:crypto';
import type { TerminalSize } from '../../domain/target.ts';
import { exitCodeOf, type ExecLaunch, type ProcessOutput, type RunningProcess } from './running-process.ts';
import { endTerminal, killGroup } from './exec-processes.ts';
import { nativePty } from './pty-binding.ts';
import { startOnTerminal } from './terminal-start.ts';

/** A terminal's size until its client says otherwise. */
export const DEFAULT_SIZE: TerminalSize = { cols: 80, rows: 24 };
/** What a container runtime sets for a process on a terminal. */
export const TERMINAL_ENV = { TERM: 'xterm' };

/** How long to wait for the drain marker before reporting the exit with what arrived. */
const markerWaitMs = 2_000;

export async function spawnOnPty(launch: ExecLaunch, size: TerminalSize, env: Record<string, string>, output: ProcessOutput): Promise<RunningProcess> {
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let exitCode: number | undefined;
  // Upper-case hex survives output post-processing (even `stty olcuc`) unchanged.
  const marker = Buffer.from(randomBytes(16).toString('hex').toUpperCase());
  let tail: Buffer | undefined; // output held back after exit while looking for the marker
  let done = false;
  let ending = false; // ended by the caller: output is never paused again

  const term = await startOnTerminal(launch, size, env, (code, signal) => {
    exitCode = exitCodeOf(code, signal);
    endAll();
    try {
      tail = Buffer.alloc(0);
      writeSync(term.slave, marker);
      // A marker that never comes back (a terminal stopped by XOFF and never resumed) must not hold the exit.
      setTimeout(finish, markerWaitMs).unref?.();
    } catch {
      finish(); // the terminal is stopped (XOFF) or gone: nothing more will come out of it
    }
  });
  const device = statSync(term.pty).rdev;

  const master = new ReadStream(term.master);
  master.on('data', (chunk: Buffer) => {
    if (done) return;
    if (!tail) return output.stdout(chunk);
    tail = Buffer.concat([tail, chunk]);
    const at = tail.indexOf(marker);
    if (at < 0) return;
    tail = tail.subarray(0, at);
    finish();
  });
  // EIO would mean every slave holder is gone: with our own hold, only once the terminal is closed.
  master.on('error', () => finish());
  master.on('close', () => finish());

  // Job-control groups too, wherever the terminal's session leads. Only while this side still holds
  // the terminal: once it is closed, its number may belong to someone else's terminal.
  function endAll(): void {
    killGroup(term.pid);
    if (!done) endTerminal(device);
  }

  function finish(): void {
    if (done || exitCode === undefined) return;
    done = true;
    if (tail?.length) output.stdout(tail);
    closeSync(term.slave);
    master.destroy();
    resolveExit(exitCode);
  }

  return {
    pgid: term.pid,
    exited,
    // Once done, input goes nowhere: never full, so a paused client is let go.
    write: (chunk) => done || master.write(chunk),
    onInputDrain: (listener) => void master.on('drain', listener),
    get inputQueued() {
      return master.writableLength;
    },
    endInput: () => {}, // a terminal has no EOF of its own: the user types Ctrl-D
    resize: (next) => done || nativePty().resize(term.master, next.cols, next.rows),
    pauseOutput: () => {
      if (!ending) master.pause();
    },
    resumeOutput: () => master.resume(),
    end: () => {
      ending = true;
      endAll();
      master.resume();
    },
  };
}
