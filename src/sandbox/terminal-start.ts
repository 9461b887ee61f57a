// Two ways to start an exec's process on a new pseudo-terminal. Either way this side gets the
// master, the terminal's name and the exit (at reap time, which the drain in pty-process.ts needs).
//
// forkOnTerminal: node-pty's native fork; the command leads a new session with the terminal as
// its controlling terminal. Right when the command itself is the container's process.
//
// spawnOnTerminal: the process starts in a session of its own with no controlling terminal, and
// the command claims the terminal itself (setsid -c inside a container). This is what an exec into
// a namespace needs: its session leader on this side would otherwise own the terminal, and a shell
// in the container could then neither see nor restore the terminal's process group (dash exits 2
// with "Cannot set tty process group"). node-pty leaves the master without close-on-exec, so the
// command must close what it inherits (the bubblewrap runtime's launcher.ts does).
//
// The session this side starts is led by dash, which opens nothing and runs the command as its
// child, on the terminal opened by path: a session leader without a controlling terminal takes the
// first terminal it opens (bash, the launcher, opens the one on its stdin at start), and then none
// would be left for the command to claim. Opening by path also keeps the fd out of Node's and
// Deno's hands (Deno closes an fd it is given for a child's stdio, once per use).
// dash applies a command's redirections before it forks: hence the subshell, which opens the terminal as a process that leads nothing.
const LEAD_WITHOUT_TERMINAL = 'tty=$1; shift; ("$@" <>"$tty" >&0 2>&0); exit $?';
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import type { TerminalSize } from '../domain/target.ts';
import { ReadStream } from 'node:tty';
import { nativePty } from './pty-binding.ts';
import type { SpawnSpec } from './running-process.ts';

export interface StartedOnTerminal {
  pid: number;
  /** the master side, read and resized by this side */
  master: number;
  /** this side's own hold on the slave side (close-on-exec), undefined when the process was already gone */
  slave: number | undefined;
  /** the terminal's path, /dev/pts/N */
  pty: string;
}

export type OnExit = (code: number | null, signal: NodeJS.Signals | number | null) => void;

const TRUE = '/bin/true';

export function forkOnTerminal(spec: SpawnSpec, size: TerminalSize, onExit: OnExit): StartedOnTerminal {
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const term = nativePty().fork(spec.file, spec.argv.slice(1), env, spec.cwd, size.cols, size.rows, -1, -1, true, '', (code, signal) => onExit(signal ? null : code, signal || null));
  let slave: number | undefined;
  try {
    slave = openSync(term.pty, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    slave = undefined; // the process is already gone
  }
  return { pid: term.pid, master: term.fd, slave, pty: term.pty };
}

export async function spawnOnTerminal(spec: SpawnSpec, size: TerminalSize, onExit: OnExit): Promise<StartedOnTerminal> {
  // The terminal pair comes from forking a placeholder that exits at once, which frees the terminal
  // of any session. (node-pty's open() would hand over a slave fd that Deno cannot close.)
  let released!: () => void;
  const free = new Promise<void>((resolve) => (released = resolve));
  const term = nativePty().fork(TRUE, [], [], '/', size.cols, size.rows, -1, -1, true, '', () => released());
  let slave: number | undefined;
  try {
    slave = openSync(term.pty, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    await free;
    const child = spawn('/bin/sh', ['-c', LEAD_WITHOUT_TERMINAL, 'sh', term.pty, spec.file, ...spec.argv.slice(1)], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: 'ignore',
      detached: true, // setsid: a session without a controlling terminal
    });
    child.once('exit', onExit);
    child.once('error', () => onExit(127, null));
    return { pid: child.pid ?? 0, master: term.fd, slave, pty: term.pty };
  } catch (error) {
    if (slave !== undefined) closeSync(slave);
    new ReadStream(term.fd).destroy(); // closes the master, the one way that works on Node and Deno alike
    throw error;
  }
}
