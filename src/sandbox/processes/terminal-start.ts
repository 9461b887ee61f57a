// A new pseudo-terminal with an exec's process on it. This side gets the master, its own hold on
// the slave, the terminal's name, and the exit at reap time (which the drain in pty-process.ts
// needs); the runtime's launch runs the command on the terminal (terminal-leader.ts).
//
// The pair comes from forking a placeholder that exits at once through node-pty, which frees the
// terminal of any session; node-pty's open() would hand over a slave fd that Deno cannot close.
// Waiting for the placeholder takes a few milliseconds, so one pair is made ahead of need. node-pty
// leaves the master without close-on-exec: a runtime that must not pass it on closes it in the
// child (the bubblewrap runtime's launcher.ts does).
import { closeSync, constants, openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { TerminalSize } from '../../domain/target.ts';
import { nativePty } from './pty-binding.ts';
import type { ExecLaunch } from './running-process.ts';

export interface StartedOnTerminal {
  pid: number;
  /** the master side, read and resized by this side */
  master: number;
  /** this side's own hold on the slave side (close-on-exec) */
  slave: number;
  /** the terminal's path, /dev/pts/N */
  pty: string;
}

export type OnExit = (code: number | null, signal: NodeJS.Signals | null) => void;

interface TerminalPair {
  master: number;
  slave: number;
  pty: string;
}

let spare: Promise<TerminalPair> | undefined;

function freshPair(): Promise<TerminalPair> {
  return new Promise((resolve, reject) => {
    let term: { fd: number; pty: string } | undefined;
    // The size is set when the pair is taken.
    term = nativePty().fork('/bin/true', [], [], '/', 80, 24, -1, -1, true, '', () => {
      try {
        resolve({ master: term!.fd, slave: openSync(term!.pty, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK), pty: term!.pty });
      } catch (error) {
        new ReadStream(term!.fd).destroy();
        reject(error);
      }
    });
  });
}

async function takePair(size: TerminalSize): Promise<TerminalPair> {
  const ready = spare;
  spare = freshPair();
  spare.catch(() => {}); // its taker makes a fresh one instead
  const pair = await (ready ?? freshPair()).catch(freshPair);
  nativePty().resize(pair.master, size.cols, size.rows);
  return pair;
}

export async function startOnTerminal(launch: ExecLaunch, size: TerminalSize, env: Record<string, string>, onExit: OnExit): Promise<StartedOnTerminal> {
  const pair = await takePair(size);
  try {
    const child = launch.start({ kind: 'terminal', tty: pair.pty }, env);
    child.stdin?.end(); // the command talks through the terminal
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('exit', onExit);
    child.once('error', () => onExit(127, null));
    return { pid: child.pid ?? 0, ...pair };
  } catch (error) {
    closeSync(pair.slave);
    new ReadStream(pair.master).destroy(); // closes the master, the one way that works on Node and Deno alike
    throw error;
  }
}
