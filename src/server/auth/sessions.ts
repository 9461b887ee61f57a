// Server-side sessions for the modes that sign people in themselves (kube-token, oidc). The
// browser holds only a random id (256 bits) in an HttpOnly cookie; the store keeps its SHA-256, so
// nothing in memory is a usable cookie, and a lookup cannot be timed against the ids it holds.
// Lifetimes are fixed from sign-in (no sliding): a session ends at `expiresAt` whatever its use,
// at sign-out, or when the server restarts. Each session has a timer for its end, so an expiry is
// told to the onEnded listeners when it happens, as a sign-out is: the sockets the session opened
// close then, not at the next request (which might never come). Timers never keep the process
// alive, and close() stops them all.
import { createHash, randomBytes } from 'node:crypto';
import { clearTimeout, setTimeout } from 'node:timers';
import type { Caller } from '../caller.ts';

/** Enough for a team's people on a few browsers each; past it the oldest session ends. */
export const MAX_SESSIONS = 10_000;
/** How long a sign-in holds, in every mode that keeps sessions: a working day, never extended. */
export const SESSION_MS = 8 * 3600_000;
/** The longest delay a JavaScript timer takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Time for the sessions: the wall clock and real timers, or a test's virtual clock. */
export interface SessionClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export const SYSTEM_CLOCK: SessionClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref(); // a session's end never keeps the process alive: the server does
    return timer;
  },
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

export interface Session {
  /** who signed in, made once: the sockets this session opens carry this very object */
  readonly caller: Caller;
  readonly expiresAt: number;
}

export type Lookup = { session: Session } | { problem: 'missing' | 'ended' };

interface Entry {
  session: Session;
  timer: unknown;
}

export class SessionStore {
  readonly #sessions = new Map<string, Entry>();
  readonly #listeners: ((caller: Caller) => void)[] = [];

  constructor(
    private readonly clock: SessionClock = SYSTEM_CLOCK,
    private readonly maxSessions = MAX_SESSIONS,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /** A new session for `caller` until `expiresAt`; returns the id for the cookie (not kept here). */
  start(caller: Caller, expiresAt: number): string {
    if (this.#sessions.size >= this.maxSessions) this.#sweep();
    while (this.#sessions.size >= this.maxSessions) this.#drop(this.#sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const key = digest(id);
    this.#sessions.set(key, { session: { caller, expiresAt }, timer: this.#arm(key, expiresAt) });
    return id;
  }

  find(id: string | undefined): Lookup {
    if (!id) return { problem: 'missing' };
    const key = digest(id);
    const entry = this.#sessions.get(key);
    if (!entry) return { problem: 'ended' };
    // The timer may be late (a busy process): the clock, not the timer, says when a session ends.
    if (this.clock.now() >= entry.session.expiresAt) {
      this.#drop(key);
      return { problem: 'ended' };
    }
    return { session: entry.session };
  }

  /** Ends the session (sign-out); its sockets are told through onEnded. */
  end(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const session = this.#sessions.get(key)?.session;
    if (session) this.#drop(key);
    return session;
  }

  onEnded(listener: (caller: Caller) => void): void {
    this.#listeners.push(listener);
  }

  /** The server is closing: every timer stopped, every session forgotten (its sockets close with the server). */
  close(): void {
    for (const entry of this.#sessions.values()) this.clock.clearTimeout(entry.timer);
    this.#sessions.clear();
  }

  #arm(key: string, expiresAt: number): unknown {
    return this.clock.setTimeout(() => this.#expire(key), Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.clock.now())));
  }

  /** A session's timer: it ends the session, or waits on when it fired early (a far end, beyond one timer's reach). */
  #expire(key: string): void {
    const entry = this.#sessions.get(key);
    if (!entry) return;
    if (this.clock.now() < entry.session.expiresAt) entry.timer = this.#arm(key, entry.session.expiresAt);
    else this.#drop(key);
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.#sessions) if (now >= entry.session.expiresAt) this.#drop(key);
  }

  #drop(key: string): void {
    const entry = this.#sessions.get(key);
    this.#sessions.delete(key);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    for (const listener of this.#listeners) listener(entry.session.caller);
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
