// The sessions this process knows, each with a timer for its end. Both ways of keeping sessions
// (sessions.ts in memory, signed-sessions.ts in a signed cookie) hold the sessions they have seen
// here, so that an expiry is told to the onEnded listeners when it happens, as a sign-out is: the
// sockets a session opened close then, not at the next request (which might never come). Timers
// never keep the process alive, and close() stops them all.
import type { Caller } from '../caller.ts';
import type { Session, SessionClock } from './sessions.ts';

/** The longest delay a JavaScript timer takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  session: Session;
  timer: unknown;
}

export class LiveSessions {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners: ((caller: Caller) => void)[] = [];

  constructor(
    private readonly clock: SessionClock,
    private readonly maxSessions: number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Keeps `session` under `key` until it ends; when full, the ended ones go, then the oldest (told, as ended). */
  add(key: string, session: Session): void {
    if (this.#entries.size >= this.maxSessions) this.#sweep();
    while (this.#entries.size >= this.maxSessions) this.drop(this.#entries.keys().next().value!);
    this.#entries.set(key, { session, timer: this.#arm(key, session.expiresAt) });
  }

  /** The session under `key`, unless it has ended (then it is dropped and told). */
  get(key: string): Session | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    // The timer may be late (a busy process): the clock, not the timer, says when a session ends.
    if (this.clock.now() >= entry.session.expiresAt) {
      this.drop(key);
      return undefined;
    }
    return entry.session;
  }

  /** Ends the session under `key`, if any, telling the onEnded listeners. */
  drop(key: string): Session | undefined {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    if (!entry) return undefined;
    this.clock.clearTimeout(entry.timer);
    for (const listener of this.#listeners) listener(entry.session.caller);
    return entry.session;
  }

  onEnded(listener: (caller: Caller) => void): void {
    this.#listeners.push(listener);
  }

  /** The server is closing: every timer stopped, every session forgotten (its sockets close with the server). */
  close(): void {
    for (const entry of this.#entries.values()) this.clock.clearTimeout(entry.timer);
    this.#entries.clear();
  }

  #arm(key: string, expiresAt: number): unknown {
    return this.clock.setTimeout(() => this.#expire(key), Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.clock.now())));
  }

  /** A session's timer: it ends the session, or waits on when it fired early (a far end, beyond one timer's reach). */
  #expire(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    if (this.clock.now() < entry.session.expiresAt) entry.timer = this.#arm(key, entry.session.expiresAt);
    else this.drop(key);
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.#entries) if (now >= entry.session.expiresAt) this.drop(key);
  }
}
