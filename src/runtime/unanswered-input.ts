// Keys typed into an Auto shell's attempt (bash, with sh after it) before it is known to run. A
// cluster says an executable is missing only after the exec's stream opened: in the error
// channel's status, or (Docker) in the output's first words, then exit 126. Until the program has
// written more than those words, what was typed may never have reached a program, and then it
// goes to the next attempt (terminal-io.ts): the first keys typed into a bash-less container are
// not lost. Bounded: past MAX_HELD_INPUT nothing is carried (a part of what was typed would be
// worse than none).
import { MISSING_COMMAND_OUTPUT_BYTES } from '../adapters/exec.ts';

/** Keystrokes kept for a session at most: while it connects (the data plane), or while its program may not have started. */
export const MAX_HELD_INPUT = 64 * 1024;

/** What the next attempt gets: the keys in order, and whether stdin had ended (a piped `exec`). */
export interface CarriedInput {
  chunks: Uint8Array[];
  stdinClosed: boolean;
}

export class UnansweredInput {
  readonly #chunks: Uint8Array[] = [];
  #bytes = 0;
  #output = 0;
  #stdinClosed = false;
  #over = false;
  #overflowed = false;

  /** Keeps `data`; false once nothing can be carried (this passed the bound, or the program ran). */
  typed(data: Uint8Array): boolean {
    if (this.#over) return false;
    if (this.#bytes + data.length > MAX_HELD_INPUT) {
      this.#overflowed = true;
      this.#giveUp();
      return false;
    }
    this.#chunks.push(data.slice());
    this.#bytes += data.length;
    return true;
  }

  stdinClosed(): void {
    this.#stdinClosed = true;
  }

  /** more was typed than is kept: none of it is carried, and what follows must not be either (a part would be worse) */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** stdin's end was given: what comes after it is no input */
  get ended(): boolean {
    return this.#stdinClosed;
  }

  /** The program wrote `bytes`: past the words a missing command is said in, it ran. False once nothing can be carried. */
  wrote(bytes: number): boolean {
    this.#output += bytes;
    if (this.#output > MISSING_COMMAND_OUTPUT_BYTES) this.#giveUp();
    return !this.#over;
  }

  /** What goes to the next attempt; undefined once nothing can be carried. */
  carried(): CarriedInput | undefined {
    if (this.#over) return undefined;
    return { chunks: this.#chunks, stdinClosed: this.#stdinClosed };
  }

  #giveUp(): void {
    this.#over = true;
    this.#chunks.length = 0;
  }
}
