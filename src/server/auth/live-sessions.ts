// The sessions this process knows, each with a timer for its end. Both ways of keeping sessions
// (sessions.ts in memory, signed-sessions.ts in a signed cookie) hold the sessions they have seen
// here, so that an expiry is told to the onEnded listeners when it happens, as a sign-out is: the
// sockets a session opened close then, not at the next request (which might never come). Timers
// never keep the process alive, and close() stops them all.
import type { Caller } from '../caller.ts';
import type { Session, SessionClock } from './sessions.ts';
import { SIGNED_OUT_BY_ADMIN } from '../../protocol/close-reasons.ts';

/**
 * How a session left this process: `ended` (signed out, expired, or pushed out to make room: by its
 * own person's newer ones, or as the oldest of whoever holds the most), `signedOutByAdmin` (an
 * admin signed its person out everywhere: the shares of the person end with that call, not here),
 * or `forgotten`: pushed out of a cache of sessions that live on in their signed cookies
 * (signed-sessions.ts), which the next request brings back. Each closes its sockets (its expiry
 * timer goes with it); only an end ends what the sign-in made (its shares).
 */
export type SessionEnd = 'ended' | 'signedOutByAdmin' | 'forgotten';

export { SIGNED_OUT_BY_ADMIN };
/** What the sockets of a session that left are closed with (1008), by how it left. */
export const socketCloseReason = (how: SessionEnd): string => (how === 'signedOutByAdmin' ? SIGNED_OUT_BY_ADMIN : 'signed out');
export type EndedListener = (caller: Caller, how: SessionEnd) => void;

/**
 * One person's sessions at most (browsers, devices, sign-ins again): past it their own oldest ends.
 * So one person signing in over and over churns through their own sessions. A full store (its
 * ceiling, MAX_SESSIONS) makes room from whoever holds the most, so a few identities with many
 * sessions each push out only each other's; keeping anyone else out takes the ceiling's number of
 * different people.
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
  /** the people holding exactly n sessions at [n], so that the largest holder is found without a scan of everyone */
  readonly #holders: Set<string>[] = [];
  /** the most sessions anyone holds */
  #most = 0;
  /** no session kept ends before this (it may be sooner than any: the earliest may have gone since), so a full store sweeps only when one may have ended */
  #earliestEnd = Infinity;
  readonly #listeners: EndedListener[] = [];

  constructor(
    private readonly clock: SessionClock,
    private readonly maxSessions: number,
    /** what a session pushed out past a limit is: ended (a store, which may refuse), or (a cache's, which never does) forgotten */
    private readonly pushedOut: SessionEnd = 'ended',
    private readonly maxPerPerson = MAX_SESSIONS_PER_PERSON,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Keeps `session` under `key` until it ends, and says whether it did. Past its person's share
   * their own oldest goes. When the store is full even after the ended sessions are swept out, the
   * oldest session of whoever holds the most goes (the newcomer's own when they are among them):
   * enough identities the cluster accepts, each signing in up to its share, then push out only
   * each other's, and people with a session or two keep theirs. When nobody holds more than one, a
   * store keeps nothing (a new sign-in waits rather than end another person's only session), and
   * a cache (`forgotten`, whose sessions live on in their cookies) forgets its oldest.
   */
  add(key: string, session: Session): boolean {
    const person = personOf(session);
    const theirs = this.#byPerson.get(person) ?? new Set<string>();
    while (theirs.size >= this.maxPerPerson) this.drop(theirs.values().next().value!, this.pushedOut);
    if (this.#entries.size >= this.maxSessions) this.#sweep();
    if (this.#entries.size >= this.maxSessions) {
      if (this.#most > 1) this.drop(this.#oldestOfMost(theirs), this.pushedOut);
      else if (this.pushedOut === 'forgotten') this.drop(this.#entries.keys().next().value!, 'forgotten');
      else return false;
    }
    this.#entries.set(key, { session, timer: this.#arm(key, session.expiresAt) });
    this.#earliestEnd = Math.min(this.#earliestEnd, session.expiresAt);
    this.#byPerson.set(person, theirs.add(key)); // after the drops, which remove a person's set once empty
    this.#holding(person, theirs.size - 1, theirs.size);
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
    if (theirs?.delete(key)) this.#holding(personOf(entry.session), theirs.size + 1, theirs.size);
    if (theirs?.size === 0) this.#byPerson.delete(personOf(entry.session));
    this.clock.clearTimeout(entry.timer);
    return this.ended(entry.session, how);
  }

  /** Ends the sessions of `user` that `which` picks, telling the onEnded listeners `how`. */
  dropPerson(user: string, which: (session: Session) => boolean, how: SessionEnd): void {
    for (const key of [...(this.#byPerson.get(user) ?? [])]) if (which(this.#entries.get(key)!.session)) this.drop(key, how);
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
    this.#holders.length = 0;
    this.#most = 0;
  }

  /** The oldest session of one who holds the most: the newcomer's own (`theirs`) when they are one, as they would hold more still. */
  #oldestOfMost(theirs: Set<string>): string {
    const most = theirs.size === this.#most ? theirs : this.#byPerson.get(this.#holders[this.#most].values().next().value!)!;
    return most.values().next().value!;
  }

  /** `person` went from holding `was` sessions to `now`. */
  #holding(person: string, was: number, now: number): void {
    this.#holders[was]?.delete(person);
    if (now > 0) (this.#holders[now] ??= new Set()).add(person);
    this.#most = Math.max(this.#most, now);
    while (this.#most > 0 && !this.#holders[this.#most]?.size) this.#most--;
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

  /** Drops the sessions that ended before their timers fired (a busy process), when one may have. */
  #sweep(): void {
    const now = this.clock.now();
    if (now < this.#earliestEnd) return;
    this.#earliestEnd = Infinity;
    for (const [key, entry] of this.#entries) {
      if (now >= entry.session.expiresAt) this.drop(key);
      else this.#earliestEnd = Math.min(this.#earliestEnd, entry.session.expiresAt);
    }
  }
}

const personOf = (session: Session) => session.caller.person?.user ?? '';
