// Keys typed into an Auto shell's attempt (bash, with sh after it) before it is known to run. A
// cluster says an executable is missing only after the exec's stream opened: in the error
// channel's status, or (Docker) in the output's first words, then exit 126. Until the program has
// written something else than those words (a prompt), or more, what was typed may never have
// reached a program, and then it goes to the next attempt (terminal-io.ts): the first keys typed
// into a bash-less container are not lost. Bounded: past MAX_HELD_INPUT nothing is carried (a
// part of what was typed would be worse than none), and the next attempt is not started without
// it (carryLostFailure).
import { MISSING_COMMAND_OUTPUT_BYTES, mayBeMissingCommandWords } from '../adapters/exec.ts';
import type { ExecFailure } from '../domain/target.ts';
import { join, joinFrom, joined, type Joined } from './joined-bytes.ts';

/** Keystrokes kept for a session at most: while it connects (the data plane), or while its program may not have started. */
export const MAX_HELD_INPUT = 64 * 1024;

/** enough of the output's start to tell it from the words a missing command is said in (mayBeMissingCommandWords) */
const HEAD_CHARS = 64;

/** What the next attempt gets: the keys in order, and whether stdin had ended (a piped `exec`). */
export interface CarriedInput {
  chunks: Uint8Array[];
  stdinClosed: boolean;
}

export class UnansweredInput {
  /** what was typed, joined: kept a piece at a time, one-byte frames would cost an object each (joined-bytes.ts) */
  #typed: Joined | undefined;
  #output = 0;
  /** the output's first characters, as far as they tell whether a runtime's words begin it */
  #head = '';
  #stdinClosed = false;
  #overflowed = false;

  /** Keeps `data`; false once past the bound: then none of it is kept, nor what follows. */
  typed(data: Uint8Array): boolean {
    if (this.#overflowed) return false;
    if (data.length > MAX_HELD_INPUT || (this.#typed && !join(this.#typed, data, MAX_HELD_INPUT))) {
      this.#overflowed = true;
      this.#typed = undefined;
      return false;
    }
    this.#typed ??= joinFrom(data);
    return true;
  }

  stdinClosed(): void {
    this.#stdinClosed = true;
  }

  /** more was typed than is kept: none of it is carried, and the next attempt must not run without it */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** stdin's end was given: what comes after it is no input */
  get ended(): boolean {
    return this.#stdinClosed;
  }

  /** The program wrote `chunk`; true once that cannot be the words a missing command is said in: it ran, and what it was given is its own. */
  wrote(chunk: Uint8Array): boolean {
    this.#output += chunk.length;
    // the words are ASCII: a byte past it differs from them as a character would
    if (this.#head.length < HEAD_CHARS) this.#head += String.fromCharCode(...chunk.subarray(0, HEAD_CHARS));
    return this.#output > MISSING_COMMAND_OUTPUT_BYTES || !mayBeMissingCommandWords(this.#head);
  }

  /** What goes to the next attempt; undefined past the bound. */
  carried(): CarriedInput | undefined {
    if (this.#overflowed) return undefined;
    return { chunks: this.#typed ? [joined(this.#typed)] : [], stdinClosed: this.#stdinClosed };
  }
}

/**
 * Why a run ends instead of starting its next shell: its first one was missing, and more was typed
 * or piped in meanwhile than is kept. Run without that input, the next shell would wait for it
 * (a piped `exec` hung) or act on what came after it.
 */
export function carryLostFailure(container: string): ExecFailure {
  return {
    reason: 'unknown',
    message:
      `The shell tried first is not in container "${container}", and more than ${MAX_HELD_INPUT / 1024} KiB was typed or piped in before that was known: ` +
      `more than is kept for the next shell, which was not left to run without it. Choose a shell that is there instead of Auto (octant-exec exec POD -- sh, for one), then send the input again.`,
  };
}
