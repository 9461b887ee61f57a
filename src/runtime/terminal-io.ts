// The data plane inside the server: terminal bytes between exec streams and whoever watches
// them. Bytes never pass through the actors or the event log; the actors only hear "activity".
import type { ExecStream } from '../adapters/exec.ts';
import { UnansweredInput } from './unanswered-input.ts';
import { StdinQueue } from './stdin-queue.ts';

export type OutputChannel = 'stdout' | 'stderr';

/**
 * Input a program's stream has been given and not yet sent on (its connection to the cluster
 * does not take it: the program does not read its stdin, or the link is slow). Past INPUT_HELD_AT
 * the viewers are told to hold what they type (`inputHeld`), until it is back under
 * INPUT_RELEASED_AT; past MAX_INPUT_WAITING more is refused, not kept: a client that goes on
 * sending would otherwise grow the server's memory for as long as it liked.
 */
export const INPUT_HELD_AT = 1024 * 1024;
export const INPUT_RELEASED_AT = 256 * 1024;
export const MAX_INPUT_WAITING = 4 * 1024 * 1024;

export interface TerminalIoEvents {
  output(sessionId: string, channel: OutputChannel, chunk: Uint8Array): void;
  /** keystrokes (or an upload's bytes) that went to a running stream */
  input(sessionId: string, data: Uint8Array): void;
  /**
   * a new run's stream opened (restart): viewers may want to mark the boundary; `run` is its
   * number. `carried`: what it was given first, typed into the run's attempt before it (whose
   * program was missing) or between the two: told as `input` when typed, a recording that begins
   * with this stream wants them again. `mayBeMissing`: an Auto attempt with a shell after it,
   * whose program may turn out never to have been there (Docker says so in the output): `ran`,
   * or `streamClosed`'s `neverRan`, says which
   */
  streamOpened(sessionId: string, run: number, carried: Uint8Array[], mayBeMissing: boolean): void;
  /** a stream opened `mayBeMissing` has its program: it wrote what a runtime's "not found" is not (told before that output) */
  ran(sessionId: string): void;
  /**
   * the run's stream ended, or the run ended without one (it never opened); `neverRan`: its end
   * said its program was missing, and it wrote nothing (opened `mayBeMissing`: nothing but the
   * words that say so): nothing of it happened (what was typed into it goes on to the run's next
   * attempt, if there is one, unless past the bound)
   */
  streamClosed(sessionId: string, neverRan: boolean): void;
  /** the running stream was resized: what the program draws for the new size comes after this */
  resized(sessionId: string, cols: number, rows: number): void;
  /** input waiting to be sent on passed INPUT_HELD_AT (`held`), or is back under INPUT_RELEASED_AT */
  inputHeld(sessionId: string, held: boolean): void;
}

interface AttachedStream {
  sessionId: string;
  stream: ExecStream;
  run: number;
  /** input bytes given to the stream and not yet sent on (its `sent` not yet called), or waiting in `stdin` to be given */
  unsent: number;
  /** its stdin, a few writes at a time (stdin-queue.ts): made at the first write */
  stdin?: StdinQueue;
  /** the viewers were told to hold their input (unsent passed INPUT_HELD_AT) */
  held?: true;
  /** tell the actor someone typed */
  typed(): void;
  /** what was typed while its program may turn out never to have run (see attach); gone once it ran */
  unanswered?: UnansweredInput;
  /** it wrote something: said missing after that, it ran all the same (opened `mayBeMissing`, `unanswered` tells instead: a runtime's words are no program's) */
  wrote?: true;
  /** stdin's end was given: nothing after it is input */
  stdinClosed?: true;
}

/** A claim that was let go: the output that still comes goes nowhere, not to the viewers. */
const letGo = () => {};

export class TerminalIo {
  #streams = new Map<string, AttachedStream>();
  #listeners = new Set<Partial<TerminalIoEvents>>();
  /** sessions whose output has one reader (a file transfer's HTTP answer): it never reaches the listeners, viewers or scrollback */
  #claimed = new Map<string, (channel: OutputChannel, chunk: Uint8Array) => void>();
  /**
   * keystrokes typed into an attempt that never ran, waiting for the same run's next attempt; and
   * those typed after it ended, before the next one opened, with stdin's end (the data plane holds
   * keys typed while a session connects, but cannot hold an end)
   */
  #carried = new Map<string, { input: UnansweredInput; run: number }>();
  /** sessions whose carry passed its bound between two attempts, with the run: what comes until the next attempt is refused, and that attempt does not run (it must not get a part) */
  #carryLost = new Map<string, number>();
  /** who says whether a session's output is activity (outputCountsWhen) */
  #outputCounts = new Set<(sessionId: string) => boolean>();

  /** Listen to every session's output; returns the way to stop. */
  listen(listener: Partial<TerminalIoEvents>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * From now on a session's output keeps it from its idle timeout only when one of `counts` says
   * so: the stream hub's, while someone watches it (src/server/output-counts.ts). A program nobody
   * sees (`yes`, `top` in a tab closed) must not run, and hold its slot, for ever. Keystrokes count
   * whoever watches. With none given every output counts (a process without a hub, such as the
   * CLI's batch, prints every byte itself). Returns the way to stop.
   */
  outputCountsWhen(counts: (sessionId: string) => boolean): () => void {
    this.#outputCounts.add(counts);
    return () => this.#outputCounts.delete(counts);
  }

  /** Whether the session's output is activity now (see outputCountsWhen): a transfer's claimed output is, read by its HTTP request, until let go. */
  outputCounts(sessionId: string): boolean {
    const reader = this.#claimed.get(sessionId);
    if (reader) return reader !== letGo;
    if (this.#outputCounts.size === 0) return true;
    for (const counts of this.#outputCounts) if (counts(sessionId)) return true;
    return false;
  }

  /**
   * A run's stream opened (the exec runs): keystrokes go to it from now on. Not sooner: while it
   * connects (a debug container starting, a slow cluster) the adapters would keep whatever is
   * typed, without bound; the data plane holds a little instead (src/server/connecting-input.ts)
   * and sends it on `streamOpened`.
   *
   * `mayBeMissing`: an Auto shell's attempt with another shell after it. What is typed into it is
   * kept while it may turn out never to have run (unanswered-input.ts); when it does (detach's
   * `carry`), the run's next attempt gets it first, as if typed into it, and stdin's end with it.
   * False, attaching nothing, when what was typed between the two passed the bound: this stream
   * must not run without it (the caller ends the run: carryLostFailure).
   */
  attach(sessionId: string, run: number, stream: ExecStream, typed: () => void, mayBeMissing = false): boolean {
    const waiting = this.#carried.get(sessionId);
    const lost = this.#carryLost.get(sessionId) === run;
    this.#carried.delete(sessionId);
    this.#carryLost.delete(sessionId);
    if (lost) return false;
    const attached: AttachedStream = { sessionId, stream, run, unsent: 0, typed, ...(mayBeMissing ? { unanswered: new UnansweredInput() } : {}) };
    this.#streams.set(sessionId, attached);
    const carried = waiting?.run === run ? waiting.input.carried() : undefined;
    if (carried) {
      // not told to the listeners as input again: they heard these keys when they were typed
      for (const chunk of carried.chunks) this.#write(attached, chunk);
      if (carried.stdinClosed) this.#closeStdin(attached);
    }
    for (const listener of this.#listeners) listener.streamOpened?.(sessionId, run, carried?.chunks ?? [], mayBeMissing);
    return true;
  }

  /** The session's run is over (it ended, or the session closed): nothing typed into it goes anywhere now. */
  runOver(sessionId: string): void {
    this.#carried.delete(sessionId);
    this.#carryLost.delete(sessionId);
  }

  /** A run that never opened is over (failed, or stopped while connecting): what was held for it (keystrokes typed meanwhile) goes, not into its next run. */
  unopened(sessionId: string): void {
    this.#carried.delete(sessionId);
    this.#carryLost.delete(sessionId);
    if (this.#streams.has(sessionId)) return;
    if (this.#claimed.get(sessionId) === letGo) this.#claimed.delete(sessionId);
    for (const listener of this.#listeners) listener.streamClosed?.(sessionId, false);
  }

  /**
   * `missing`: its end said its program is not there (commandNotFound). Opened `mayBeMissing`,
   * what was typed into it then goes to the session's next stream. False when that was more than
   * is kept: the next attempt must not run without it (the caller ends the run instead:
   * carryLostFailure).
   */
  detach(sessionId: string, stream: ExecStream, missing = false): boolean {
    const attached = this.#streams.get(sessionId);
    if (attached?.stream !== stream) return true;
    this.#streams.delete(sessionId);
    // what it still had to send goes with it (its writes' `sent` come as it ends): the next run's stream takes input again
    if (attached.held) this.#hold(attached, false, true);
    const { unanswered } = attached;
    // not when it wrote anything (opened `mayBeMissing`: but the words a missing command is said in): it ran, whatever is said after
    const neverRan = missing && (unanswered !== undefined || !attached.wrote);
    const carry = neverRan && unanswered !== undefined;
    const carried = carry && unanswered.carried() !== undefined;
    if (carried) this.#carried.set(sessionId, { input: unanswered, run: attached.run });
    // its stream is over: a let-go claim has nothing more to keep from the viewers
    if (this.#claimed.get(sessionId) === letGo) this.#claimed.delete(sessionId);
    for (const listener of this.#listeners) listener.streamClosed?.(sessionId, neverRan);
    return carried || !carry;
  }

  /** Takes a session's output for `reader` alone; returns the way to let go (later output then has nowhere to go). */
  claim(sessionId: string, reader: (channel: OutputChannel, chunk: Uint8Array) => void): () => void {
    this.#claimed.set(sessionId, reader);
    return () => {
      if (this.#claimed.get(sessionId) !== reader) return;
      // a stream still attached may still write: kept from the viewers until detach; none (it ended, or never came): forgotten now
      if (this.#streams.has(sessionId)) this.#claimed.set(sessionId, letGo);
      else this.#claimed.delete(sessionId);
    };
  }

  output(sessionId: string, channel: OutputChannel, chunk: Uint8Array): void {
    const attached = this.#streams.get(sessionId);
    if (attached) attached.wrote = true;
    if (attached?.unanswered?.wrote(chunk)) {
      attached.unanswered = undefined; // it ran: what it was given is its own
      for (const listener of this.#listeners) listener.ran?.(sessionId);
    }
    const reader = this.#claimed.get(sessionId);
    if (reader) return reader(channel, chunk);
    for (const listener of this.#listeners) listener.output?.(sessionId, channel, chunk);
  }

  /**
   * Keystrokes (or an upload's bytes) for a session; false when it has no running stream (none
   * yet, while it connects), unless they are carried to its next attempt, and after stdin's end
   * (dropsInput says why). `sent`: see ExecStream.write. No bytes are no input: nothing happens
   * (true), nothing is kept, and nobody typed (it would keep an idle terminal from its timeout).
   */
  input(sessionId: string, data: Uint8Array, sent?: () => void): boolean {
    if (data.length === 0) {
      sent?.();
      return true;
    }
    const attached = this.#streams.get(sessionId);
    if (!attached) return this.#carry(sessionId, data, sent);
    // nothing after the end is input: not for this program, nor for the next attempt it would be carried to
    if (attached.stdinClosed || attached.unsent >= MAX_INPUT_WAITING) return false;
    this.#write(attached, data, sent);
    attached.typed();
    for (const listener of this.#listeners) listener.input?.(sessionId, data);
    return true;
  }

  /** Typed between an attempt that never ran and the run's next: kept for it, within the bound. */
  #carry(sessionId: string, data: Uint8Array, sent?: () => void): boolean {
    const waiting = this.#carried.get(sessionId);
    if (!waiting || waiting.input.ended) return false; // after stdin's end: nothing more (dropsInput)
    if (!waiting.input.typed(data)) {
      // past the bound: none of it, nor what follows; the next attempt does not run without it (attach)
      this.#carried.delete(sessionId);
      this.#carryLost.set(sessionId, waiting.run);
      return false;
    }
    sent?.();
    for (const listener of this.#listeners) listener.input?.(sessionId, data);
    return true;
  }

  #write(attached: AttachedStream, data: Uint8Array, sent?: () => void): void {
    attached.unanswered?.typed(data);
    attached.unsent += data.length;
    if (!attached.held && attached.unsent > INPUT_HELD_AT) this.#hold(attached, true);
    // a few writes out at a time, what comes meanwhile joined: no write, closure or timer per frame, however small
    attached.stdin ??= new StdinQueue(attached.stream, (bytes) => this.#went(attached, bytes));
    attached.stdin.write(data, sent);
  }

  #went(attached: AttachedStream, bytes: number): void {
    attached.unsent -= bytes;
    if (attached.held && attached.unsent <= INPUT_RELEASED_AT) this.#hold(attached, false);
  }

  #hold(attached: AttachedStream, held: boolean, detached = false): void {
    if (held) attached.held = true;
    else delete attached.held;
    // a stream detached meanwhile said so as it went (detach)
    if (!detached && this.#streams.get(attached.sessionId) !== attached) return;
    for (const listener of this.#listeners) listener.inputHeld?.(attached.sessionId, held);
  }

  #closeStdin(attached: AttachedStream): void {
    attached.stdinClosed = true;
    attached.unanswered?.stdinClosed();
    (attached.stdin ?? attached.stream).closeStdin(); // after what waits to be written
  }

  /** The stream of a session was resized (exec-stream-actor.ts): told here, in the order of its output, not when the log gives the fact back. */
  resized(sessionId: string, cols: number, rows: number): void {
    for (const listener of this.#listeners) listener.resized?.(sessionId, cols, rows);
  }

  closeStdin(sessionId: string): boolean {
    const attached = this.#streams.get(sessionId);
    if (attached) this.#closeStdin(attached);
    else this.#carried.get(sessionId)?.input.stdinClosed(); // ended between two attempts: the next one's stdin ends too
    return attached !== undefined || this.#carried.has(sessionId);
  }

  /** Flow control: stop or restart reading a session's upstream. */
  pause(sessionId: string): void {
    this.#streams.get(sessionId)?.stream.pause();
  }

  resume(sessionId: string): void {
    this.#streams.get(sessionId)?.stream.resume();
  }

  /**
   * Why input for a session is refused now, not held for a stream to come: `ended` after stdin's
   * end, `full` between two attempts whose carry passed its bound (see #carry), `unsent` while
   * MAX_INPUT_WAITING waits to be sent on; else undefined.
   */
  dropsInput(sessionId: string): 'ended' | 'full' | 'unsent' | undefined {
    const attached = this.#streams.get(sessionId);
    if (attached) return attached.stdinClosed ? 'ended' : attached.unsent >= MAX_INPUT_WAITING ? 'unsent' : undefined;
    if (this.#carryLost.has(sessionId)) return 'full';
    return this.#carried.get(sessionId)?.input.ended ? 'ended' : undefined;
  }

  /** Whether those who type into the session are to hold their input now (see INPUT_HELD_AT). */
  isInputHeld(sessionId: string): boolean {
    return this.#streams.get(sessionId)?.held === true;
  }

  isRunning(sessionId: string): boolean {
    return this.#streams.has(sessionId);
  }
}
