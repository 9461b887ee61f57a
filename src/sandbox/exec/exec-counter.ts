// How many execs the sandbox has run and runs now: tests use it to prove a command ran exactly
// once (no double start on a transport fallback) and that a batch kept its concurrency.
export class ExecCounter {
  #started = 0;
  #running = 0;
  #peak = 0;

  started(): void {
    this.#started++;
    this.#running++;
    this.#peak = Math.max(this.#peak, this.#running);
  }

  ended(): void {
    this.#running--;
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
