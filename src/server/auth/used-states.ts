// The states of signed OIDC flows (signed-flows.ts) this replica has already taken a callback
// for, each until its flow would have expired anyway: a copy of the flow cookie brought back a
// second time, here, finds it used. Bounded, since only flows that someone began (a rate-limited
// page) can be taken: past MAX_USED the oldest is forgotten, and a replay of that one would still
// be stopped by the provider, which trades a code once only (RFC 6749 4.1.2).
/** A day of sign-ins at a busy team's pace, each remembered for 10 minutes at most. */
export const MAX_USED = 10_000;

export class UsedStates {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly max = MAX_USED,
  ) {}

  get size(): number {
    return this.#until.size;
  }

  /** true the first time `state` is used (it is then remembered until `expiresAt`), false after */
  use(state: string, expiresAt: number): boolean {
    const until = this.#until.get(state);
    if (until !== undefined && this.now() < until) return false;
    if (this.#until.size >= this.max) this.#sweep();
    while (this.#until.size >= this.max) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(state, expiresAt);
    return true;
  }

  #sweep(): void {
    const now = this.now();
    for (const [state, until] of this.#until) if (now >= until) this.#until.delete(state);
  }
}
