// This process's own terminal while a remote one runs in it: raw mode (every key goes to the
// remote side, Ctrl-C included), its size now and on every SIGWINCH, and the mode put back on
// every way out (the end, an error, a signal, an exit from anywhere).
import { spawnSync } from 'node:child_process';
import process from 'node:process';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export class LocalTerminal {
  readonly tty: boolean;
  #raw = false;
  #stopResize: (() => void) | undefined;
  readonly #restoreOnExit = () => this.restore();

  /** `tty`: the remote command has a terminal, so this one goes raw (stdin must be a terminal then) */
  constructor(tty: boolean) {
    this.tty = tty;
  }

  /** Raw keys from now on (a terminal only); restored by restore() or at any exit. */
  raw(): void {
    if (!this.tty || this.#raw) return;
    process.stdin.setRawMode(true);
    restOfRawMode();
    this.#raw = true;
    process.once('exit', this.#restoreOnExit);
  }

  size(): TerminalSize | undefined {
    const out = process.stdout.isTTY ? process.stdout : undefined;
    return out?.columns && out.rows ? { cols: out.columns, rows: out.rows } : undefined;
  }

  /** `changed` with the size now and on every resize of this terminal. */
  onResize(changed: (size: TerminalSize) => void): void {
    const tell = () => {
      const size = this.size();
      if (size) changed(size);
    };
    // Read first: Deno refreshes stdout's size in a SIGWINCH listener of its own, added at the
    // first read; added after ours, ours would read the old size.
    tell();
    process.on('SIGWINCH', tell);
    this.#stopResize = () => process.off('SIGWINCH', tell);
  }

  restore(): void {
    this.#stopResize?.();
    this.#stopResize = undefined;
    if (!this.#raw) return;
    this.#raw = false;
    process.off('exit', this.#restoreOnExit);
    process.stdin.setRawMode(false);
  }
}

/**
 * The rest of kubectl's raw mode (Go's term.MakeRaw), which Node's (libuv's) and Deno's leave as
 * they were. Output processing off: the remote terminal's has run already, and ours (ONLCR) made
 * a full-screen program's bare line feed a new line at the left edge, and every \r\n \r\r\n.
 * Input: a carriage return neither dropped (IGNCR, where Enter then did nothing) nor turned into
 * a line feed, no line feed into a carriage return, no marking of parity errors; a break is a key.
 * No runtime API can, so stty does it on our stdin; leaving raw mode puts back the mode saved
 * before it, these included. Without stty, they stay as they were.
 */
function restOfRawMode(): void {
  spawnSync('stty', ['-opost', '-igncr', '-inlcr', '-icrnl', '-parmrk', '-ignbrk', '-echonl'], { stdio: ['inherit', 'ignore', 'ignore'] });
}
