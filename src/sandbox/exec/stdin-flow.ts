// An exec's stdin from the client to its process, with backpressure: a process that does not
// read makes the transport stop reading the client (as a kubelet's connection does), so the
// sandbox never holds more than a bounded amount of input, whatever the client sends.
import type { ExecChannels } from '../transports/exec-channels.ts';
import type { RunningProcess } from '../processes/running-process.ts';

/** Input kept before the process exists (kubectl sends stdin at once) beyond which reading stops. */
export const PENDING_INPUT_LIMIT = 1 << 20;

export class StdinFlow {
  readonly #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #ended = false;
  #proc: RunningProcess | undefined;

  constructor(
    private readonly channels: ExecChannels,
    /** after each chunk: the input bytes this exec holds that the process has not taken, and whether reading stopped */
    private readonly held: (bytes: number, paused: boolean) => void,
  ) {
    channels.onStdin((chunk) => this.#take(chunk));
    channels.onStdinEnd(() => {
      if (this.#ended) return;
      this.#ended = true;
      this.#proc?.endInput();
      // Nothing more to hold back: read on, so resizes, pings and the close are seen.
      channels.resumeInput();
    });
  }

  /** The process started: it gets the input kept so far, in order, then everything as it comes. */
  attach(proc: RunningProcess): void {
    this.#proc = proc;
    proc.onInputDrain(() => this.channels.resumeInput());
    let full = false;
    for (const chunk of this.#pending.splice(0)) full = !proc.write(chunk);
    this.#pendingBytes = 0;
    if (this.#ended) proc.endInput();
    // A full process resumes reading through its drain.
    if (!full) this.channels.resumeInput();
  }

  #take(chunk: Uint8Array): void {
    if (this.#ended) return; // input after the client's EOF goes nowhere
    const proc = this.#proc;
    if (!proc) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      const full = this.#pendingBytes > PENDING_INPUT_LIMIT;
      if (full) this.channels.pauseInput();
      return this.held(this.#pendingBytes, full);
    }
    const full = !proc.write(chunk);
    if (full) this.channels.pauseInput();
    this.held(proc.inputQueued, full);
  }
}
