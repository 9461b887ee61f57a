// The sessions this process knows, each with a timer for its end. Both ways of keeping sessions
// (sessions.ts in memory, signed-sessions.ts in a signed cookie) hold the sessions they have seen
// here, so that an expiry is told to the onEnded listeners when it happens, as a sign-out is: the
// sockets a session opened close then, not at the next request (which might never come). Timers
// never keep the process alive, and close() stops them all.
import type { Caller } from '../caller.ts';
import type { Session, SessionClock } from './sessions.ts';

/**
 * How a session left this process: `ended` (signed out, expired, or pushed out by its own person's
 * newer ones), or `forgotten`: pushed out of a cache of sessions that live on in their
 * signed cookies (signed-sessions.ts), which the next request brings back. Either closes its
 * sockets (its expiry timer goes with it); only an end ends what the sign-in made (its shares).
 */
export type SessionEnd = 'ended' | 'forgotten';
export type EndedListener = (caller: Caller, how: SessionEnd) => void;

/**
 * One person's sessions at most (browsers, devices, sign-ins again): past it their own oldest ends.
 * So one person signing in over and over churns through their own sessions, and filling the
 * store's ceiling (MAX_SESSIONS), past which sign-ins are refused, takes that many different people.
 */
export const MAX_SESSIONS_PER_PERSON = 50;

/** The longest delay a JavaScript timer takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  session: Session;
  timer: unknown;
}

export class LiveSessions {
  readonly #entries = new Map<string, Entry>();
  /** each person's keys, oldest first */
  readonly #byPerson = new Map<string, Set<string>>();
  readonly #listeners: EndedListener[] = [];

  constructor(
    private readonly clock: SessionClock,
    private readonly maxSessions: number,
    /** what a session pushed out past a limit is: ended, or (a cache's) forgotten */
    private readonly pushedOut: SessionEnd = 'ended',
    private readonly maxPerPerson = MAX_SESSIONS_PER_PERSON,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Keeps `session` under `key` until it ends (past its person's share, their own oldest goes
   * first), and says whether it did. When the store is full even after the ended sessions are swept
   * out, `full` decides: 'refuse' keeps nothing (a new sign-in waits: ending the oldest would end
   * someone else's, and enough identities the cluster accepts could then sign everyone out), and
   * 'pushOut' lets the oldest go, told as `pushedOut` (a cache of sessions that live on in their
   * cookies, taking one that a cookie brings back).
   */
  add(key: string, session: Session, full: 'refuse' | 'pushOut' = 'refuse'): boolean {
    const person = personOf(session);
    const theirs = this.#byPerson.get(person) ?? new Set<string>();
    while (theirs.size >= this.maxPerPerson) this.drop(theirs.values().next().value!, this.pushedOut);
    if (this.#entries.size >= this.maxSessions) this.#sweep();
    if (this.#entries.size >= this.maxSessions && full === 'refuse') return false;
    while (this.#entries.size >= this.maxSessions) this.drop(this.#entries.keys().next().value!, this.pushedOut);
    this.#entries.set(key, { session, timer: this.#arm(key, session.expiresAt) });
    this.#byPerson.set(person, theirs.add(key)); // after the drops, which remove a person's set once empty
    return true;
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

  /** Ends (or forgets) the session under `key`, if any, telling the onEnded listeners. */
  drop(key: string, how: SessionEnd = 'ended'): Session | undefined {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    if (!entry) return undefined;
    const theirs = this.#byPerson.get(personOf(entry.session));
    theirs?.delete(key);
    if (theirs?.size === 0) this.#byPerson.delete(personOf(entry.session));
    this.clock.clearTimeout(entry.timer);
    return this.ended(entry.session, how);
  }

  /** Tells the onEnded listeners that `session` ended (one not kept here too: signed out on a replica that never saw it). */
  ended(session: Session, how: SessionEnd = 'ended'): Session {
    for (const listener of this.#listeners) listener(session.caller, how);
    return session;
  }

  onEnded(listener: EndedListener): void {
    this.#listeners.push(listener);
  }

  /** The server is closing: every timer stopped, every session forgotten (its sockets close with the server). */
  close(): void {
    for (const entry of this.#entries.values()) this.clock.clearTimeout(entry.timer);
    this.#entries.clear();
    this.#byPerson.clear();
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

const personOf = (session: Session) => session.caller.person?.user ?? '';
