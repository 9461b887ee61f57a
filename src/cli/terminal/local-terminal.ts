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
    outputAsSent();
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
 * The remote terminal's output as it was sent: its own output processing has run already. Node's
 * raw mode (libuv's) and Deno's leave this terminal's on, so a bare line feed from a full-screen
 * program (its pty's ONLCR off) came out as a new line at the left edge, and every \r\n as
 * \r\r\n. kubectl's raw mode turns it off (Go's term.MakeRaw); no runtime API can, so stty does
 * it on our stdin. Leaving raw mode puts back the mode saved before it, output processing
 * included. Without stty, output stays as it was before.
 */
function outputAsSent(): void {
  spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
}
