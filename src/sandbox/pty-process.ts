// A TTY exec on a pseudo-terminal: one output stream (stdout), the size set from resize messages.
// The child leads a new session with the terminal as its controlling tty, so its pid is the
// process group to end.
//
// Draining: the sandbox holds the terminal's slave side open itself, so the master never sees
// EIO while output is still queued. When the process is reaped, the rest of its group is ended
// and a random marker is written to the slave; output is complete once the marker comes out of
// the master, since a terminal keeps order. The marker is cut off and never reaches the client.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { randomBytes } from 'node:crypto';
import type { TerminalSize } from '../domain/target.ts';
import { exitCodeOf, type ProcessOutput, type RunningProcess, type SpawnSpec } from './running-process.ts';
import { killGroup } from './process-groups.ts';
import { nativePty } from './pty-binding.ts';

/** How long to wait for the drain marker before reporting the exit with what arrived. */
const markerWaitMs = 2_000;

export function spawnOnPty(spec: SpawnSpec, size: TerminalSize, output: ProcessOutput): RunningProcess {
  const native = nativePty();
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let exitCode: number | undefined;
  let slave: number | undefined;
  // Upper-case hex survives output post-processing (even `stty olcuc`) unchanged.
  const marker = Buffer.from(randomBytes(16).toString('hex').toUpperCase());
  let tail: Buffer | undefined; // output held back after exit while looking for the marker
  let done = false;

  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const term = native.fork(spec.file, spec.argv.slice(1), env, spec.cwd, size.cols, size.rows, -1, -1, true, '', (code, signal) => {
    exitCode = exitCodeOf(signal ? null : code, signal || null);
    killGroup(term.pid);
    if (slave === undefined) return finish();
    try {
      tail = Buffer.alloc(0);
      writeSync(slave, marker);
      // A marker that never comes back (a terminal stopped by XOFF and never resumed) must not hold the exit.
      setTimeout(finish, markerWaitMs).unref?.();
    } catch {
      finish(); // the terminal is stopped (XOFF) or gone: nothing more will come out of it
    }
  });
  try {
    slave = openSync(term.pty, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    slave = undefined; // the process is already gone; EIO ends the reading as before
  }

  const master = new ReadStream(term.fd);
  master.on('data', (chunk: Buffer) => {
    if (done) return;
    if (!tail) return output.stdout(chunk);
    tail = Buffer.concat([tail, chunk]);
    const at = tail.indexOf(marker);
    if (at < 0) return;
    tail = tail.subarray(0, at);
    finish();
  });
  // EIO: every slave holder is gone. With our own hold this happens only if opening it failed.
  master.on('error', () => finish());
  master.on('close', () => finish());

  function finish(): void {
    if (done || exitCode === undefined) return;
    done = true;
    if (tail?.length) output.stdout(tail);
    if (slave !== undefined) closeSync(slave);
    master.destroy();
    resolveExit(exitCode);
  }

  return {
    pgid: term.pid,
    exited,
    write: (chunk) => void (done || master.write(chunk)),
    endInput: () => {}, // a terminal has no EOF of its own: the user types Ctrl-D
    resize: (next) => done || native.resize(term.fd, next.cols, next.rows),
    pauseOutput: () => master.pause(),
    resumeOutput: () => master.resume(),
  };
}
