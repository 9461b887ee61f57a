// Our own short notes in a terminal (exited 42, failed: why, restarted, bytes no longer kept), in
// dim text between the program's output. A note never lands inside a replay: while replayed bytes
// (or a screen) are still being written, notes wait and follow them.
import type { Terminal } from '@xterm/xterm';
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, isEnded } from '../state/app-state.ts';

/** Our notes are plain text: strip anything that could be read as a control sequence. */
function plain(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');
}

export class TerminalNotes {
  /** replay bytes still to come after an attach */
  #replayLeft = 0;
  #pending: { text: string; mode: string }[] = [];
  /** the state and run we last wrote a note for */
  #noted: { state: string; run: number } | undefined;

  constructor(private readonly term: Terminal) {}

  /** An attach replays this many bytes: notes wait for them. */
  replayStarts(bytes: number): void {
    this.#replayLeft = bytes;
  }

  get replaying(): boolean {
    return this.#replayLeft > 0;
  }

  /** Output written: once the replay is over, the notes that waited follow it. */
  written(bytes: number): void {
    if (this.#replayLeft <= 0) return;
    this.#replayLeft -= bytes;
    if (this.#replayLeft <= 0) this.flush();
  }

  /** The session's state, noted once per state and run: an ended one says how it ended. */
  state(row: SessionRow): void {
    if (this.#noted?.state === row.state && this.#noted.run === row.run) return;
    this.#noted = { state: row.state, run: row.run };
    if (!isEnded(row)) return;
    const b = badge(row);
    // ended: the cursor goes, nothing will be typed here until a restart
    this.after(b.detail ? `[${b.text}] ${b.detail}` : `[${b.text}]`, '\x1b[?25l');
  }

  /** The terminal was reset: its state is noted again at the next `state`. */
  forgetState(): void {
    this.#noted = undefined;
  }

  /** Whether any state was noted yet (a restart is only news after one). */
  get started(): boolean {
    return this.#noted !== undefined;
  }

  /** A note after the output so far; `mode` is a cursor-visibility sequence of our own. */
  after(text: string, mode = ''): void {
    this.#pending.push({ text, mode });
    if (this.#replayLeft <= 0) this.flush();
  }

  now(text: string, mode = ''): void {
    this.term.write(`\r\n\x1b[2m${plain(text)}\x1b[0m\r\n${mode}`);
  }

  flush(): void {
    this.#replayLeft = 0;
    for (const { text, mode } of this.#pending.splice(0)) this.now(text, mode);
  }
}
