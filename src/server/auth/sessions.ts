// Sessions for the modes that sign people in themselves (kube-token, oidc), and the one seam both
// ways of keeping them share (Sessions). Lifetimes are fixed from sign-in (no sliding): a session
// ends at `expiresAt` whatever its use, or at sign-out.
//
// SessionStore keeps them in this process's memory (one server: a laptop, one replica). The
// browser holds only a random id (256 bits) in an HttpOnly cookie; the store keeps its SHA-256, so
// nothing in memory is a usable cookie, and a lookup cannot be timed against the ids it holds. A
// restart ends every session. (signed-sessions.ts is the other way: a signed cookie that every
// replica with the same key takes.)
import { createHash, randomBytes } from 'node:crypto';
import { clearTimeout, setTimeout } from 'node:timers';
import type { Caller } from '../caller.ts';
import { LiveSessions, type EndedListener } from './live-sessions.ts';
import { MemoryRevocations, revokedIdHash } from './revocations.ts';

/** Enough for a team's people on a few browsers each; past it whoever holds the most loses their oldest (live-sessions.ts), or, nobody holding more than one, a new sign-in is refused (STORE_FULL). */
export const MAX_SESSIONS = 10_000;
export { SESSION_MS } from './session-lifetime.ts';

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
  /** when its person signed in (an admin's sign-out of them all ends those made until then) */
  readonly signedInAt: number;
}

export type Lookup = { session: Session } | { problem: 'missing' | 'ended' };

/** Why no session was made: a sentence for the person, and (the store being full) when to try again. */
export interface StartRefused {
  problem: string;
  retryAfterSeconds?: number;
}

/**
 * Every session kept is the only one of someone who has not ended it: a new sign-in waits until one
 * ends (expires, signs out) rather than end another person's. A minute is a guess; the page says
 * to try again.
 */
export const STORE_FULL: StartRefused = {
  problem: 'This server has as many people signed in as it can hold: try again in a few minutes, or tell your admin.',
  retryAfterSeconds: 60,
};

/** How the sign-in modes keep sessions, whichever way was chosen at start (choose-authenticator.ts). */
export interface Sessions {
  /**
   * A new session for `caller` until `expiresAt`: the cookie's value, or why none can be made.
   * `signedInAt`: when it counts as made, if before now (the command line's, allowed in a browser
   * signed in then: an admin's sign-out of the person since ends it too, when it reaches here late).
   */
  start(caller: Caller, expiresAt: number, signedInAt?: number): string | StartRefused;
  /** The session a cookie's value stands for; anything unusable is simply not a session. */
  find(value: string | undefined): Lookup;
  /** Ends the session (sign-out); its sockets are told through onEnded. */
  end(value: string | undefined): Session | undefined;
  /** Ends every session of `user` made until now, wherever it is used (an admin's sign-out of them), and returns that now; the ones here are told through onEnded. */
  endPerson(user: string): number;
  /** Whether an admin signed `user` out everywhere at `at` or later (endPerson): what a sign-in made at `at` would not outlive (the command line's allowed then: command-line-token.ts). */
  personSignedOutSince(user: string, at: number): boolean;
  /** Told the caller of every session that ends here: signed out, or expired when it happens. */
  onEnded(listener: EndedListener): void;
  /** The server is closing: every timer stops. */
  close(): void;
}

export class SessionStore implements Sessions {
  readonly #live: LiveSessions;
  /** admins' sign-outs of people, for personSignedOutSince only: the sessions they end are gone */
  readonly #signedOut: MemoryRevocations;

  constructor(
    private readonly clock: SessionClock = SYSTEM_CLOCK,
    maxSessions = MAX_SESSIONS,
  ) {
    this.#live = new LiveSessions(clock, maxSessions);
    this.#signedOut = new MemoryRevocations(() => clock.now());
  }

  get size(): number {
    return this.#live.size;
  }

  /** A new session for `caller` until `expiresAt`; returns the id for the cookie (not kept here), or STORE_FULL. */
  start(caller: Caller, expiresAt: number, signedInAt = this.clock.now()): string | StartRefused {
    const id = randomBytes(32).toString('base64url');
    return this.#live.add(digest(id), { caller: sessionCaller(caller, id, expiresAt, signedInAt), expiresAt, signedInAt }) ? id : STORE_FULL;
  }

  find(id: string | undefined): Lookup {
    if (!id) return { problem: 'missing' };
    const session = this.#live.get(digest(id));
    return session ? { session } : { problem: 'ended' };
  }

  end(id: string | undefined): Session | undefined {
    return id ? this.#live.drop(digest(id)) : undefined;
  }

  /** Every session of theirs is here, and no id of one can come back: ending them is all, but for when (personSignedOutSince). */
  endPerson(user: string): number {
    const at = this.clock.now();
    this.#signedOut.revokePerson(user, at);
    this.#live.dropPerson(user, () => true, 'signedOutByAdmin');
    return at;
  }

  personSignedOutSince(user: string, at: number): boolean {
    return this.#signedOut.isPersonRevoked(user, at);
  }

  onEnded(listener: EndedListener): void {
    this.#live.onEnded(listener);
  }

  close(): void {
    this.#live.close();
  }
}

/**
 * `caller` as the session with id `id` holds it: with the session's id hashed as a sign-out keeps
 * it (revocations.ts: nothing of it is a cookie) and its end, so that a share it makes ends with it.
 */
export function sessionCaller(caller: Caller, id: string, expiresAt: number, signedInAt: number): Caller {
  return { ...caller, signIn: { idHash: revokedIdHash(id), endsAt: expiresAt, at: signedInAt } };
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
