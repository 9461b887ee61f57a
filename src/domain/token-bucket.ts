// A token bucket: `rate` units a second, bursts up to `burst`. Used per socket for messages and
// input bytes (SECURITY.md item 5), and by the page to keep its input under the server's;
// time comes from `now` so tests can drive it.
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes `amount` tokens if there are enough; false (and nothing taken) otherwise. */
  take(amount = 1): boolean {
    const now = this.now();
    // A wall clock that stepped back (NTP, a resumed VM) is no time passing: counted as negative it
    // would drain the bucket and refuse everything for as long as the step.
    const elapsedMs = Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsedMs / 1000) * this.rate);
    this.#last = now;
    if (amount > this.#tokens) return false;
    this.#tokens -= amount;
    return true;
  }
}
