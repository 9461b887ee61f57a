// Server-side sessions for the modes that sign people in themselves (kube-token, oidc). The
// browser holds only a random id (256 bits) in an HttpOnly cookie; the store keeps its SHA-256, so
// nothing in memory is a usable cookie, and a lookup cannot be timed against the ids it holds.
// Lifetimes are fixed from sign-in (no sliding): a session ends at `expiresAt` whatever its use,
// at sign-out, or when the server restarts. Expired sessions are dropped when met, and swept when
// the store is full; nothing here runs on a timer.
import { createHash, randomBytes } from 'node:crypto';
import type { Caller } from '../caller.ts';

/** Enough for a team's people on a few browsers each; past it the oldest session ends. */
export const MAX_SESSIONS = 10_000;

export interface Session {
  /** who signed in, made once: the sockets this session opens carry this very object */
  readonly caller: Caller;
  readonly expiresAt: number;
}

export type Lookup = { session: Session } | { problem: 'missing' | 'ended' };

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #listeners: ((caller: Caller) => void)[] = [];

  constructor(
    private readonly now: () => number = Date.now,
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
    this.#sessions.set(digest(id), { caller, expiresAt });
    return id;
  }

  find(id: string | undefined): Lookup {
    if (!id) return { problem: 'missing' };
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (!session) return { problem: 'ended' };
    if (this.now() >= session.expiresAt) {
      this.#drop(key);
      return { problem: 'ended' };
    }
    return { session };
  }

  /** Ends the session (sign-out); its sockets are told through onEnded. */
  end(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (session) this.#drop(key);
    return session;
  }

  onEnded(listener: (caller: Caller) => void): void {
    this.#listeners.push(listener);
  }

  #sweep(): void {
    const now = this.now();
    for (const [key, session] of this.#sessions) if (now >= session.expiresAt) this.#drop(key);
  }

  #drop(key: string): void {
    const session = this.#sessions.get(key);
    this.#sessions.delete(key);
    if (session) for (const listener of this.#listeners) listener(session.caller);
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
