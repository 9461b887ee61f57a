// How many execs the sandbox has run and runs now: tests use it to prove a command ran exactly
// once (no double start on a transport fallback) and that a batch kept its concurrency; and the
// most stdin one exec held for its process, to prove a process that does not read slows its client.
export class ExecCounter {
  #begun = 0;
  #started = 0;
  #running = 0;
  #peak = 0;
  #peakStdinHeld = 0;
  #stdinPauses = 0;

  /** a transport handed an exec over: its process is being started (counted at once, before any await) */
  begun(): void {
    this.#begun++;
  }

  started(): void {
    this.#started++;
    this.#running++;
    this.#peak = Math.max(this.#peak, this.#running);
  }

  ended(): void {
    this.#running--;
  }

  stdinHeld(bytes: number, paused: boolean): void {
    this.#peakStdinHeld = Math.max(this.#peakStdinHeld, bytes);
    if (paused) this.#stdinPauses++;
  }

  /** stdin chunks after which an exec stopped reading its client (its process's input was full) */
  get stdinPauses(): number {
    return this.#stdinPauses;
  }

  get peakStdinHeld(): number {
    return this.#peakStdinHeld;
  }

  resetStdinCounts(): void {
    this.#peakStdinHeld = 0;
    this.#stdinPauses = 0;
  }

  get begunTotal(): number {
    return this.#begun;
  }

  get total(): number {
    return this.#started;
  }

  get peak(): number {
    return this.#peak;
  }

  /** start measuring the peak again from what runs now */
  resetPeak(): void {
    this.#peak = this.#running;
  }
}
