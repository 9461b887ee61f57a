// Sessions as signed cookies (signed-session-value.ts), for replicas behind one address: a cookie
// made on one replica is taken by every replica started with the same session key, because the
// cookie itself says who and until when, and only the key's holders can have made it. Nothing
// needs sharing but the key.
//
// Each replica still keeps the sessions it has seen (live-sessions.ts): the same Caller object for
// every request and socket of one session, and a timer that ends it on time here, closing its
// sockets, as in-memory sessions do. Sign-out revokes the session's id (revocations.ts): on this
// replica at once; on the others when the replicas share a store (shared-revocations.ts), and not
// at all when they share only the key (docs/team-mode.md says so). An admin's sign-out of a person
// revokes every sign-in of theirs made until then the same way, and each replica that hears of it
// ends the ones it holds at once (their sockets close).
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { AuthMode } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';
import { LiveSessions, type EndedListener } from './live-sessions.ts';
import { MemoryRevocations, type Revocations } from './revocations.ts';
import { cookieKey, seal, unseal } from './signed-session-value.ts';
import { MAX_SESSIONS, SYSTEM_CLOCK, sessionCaller, type Lookup, type Session, type SessionClock, type Sessions, type StartRefused } from './sessions.ts';

export interface SignedSessionsOptions {
  clock?: SessionClock;
  /** default: this process's sign-outs only */
  revocations?: Revocations;
  /** sessions this replica keeps a timer for; past it a sign-in here, or a cookie brought back, pushes out the oldest of whoever holds the most (told forgotten: its sockets close; its cookie still works) */
  maxSessions?: number;
}

export class SignedSessions implements Sessions {
  readonly #key: Buffer;
  readonly #clock: SessionClock;
  readonly #live: LiveSessions;
  readonly revocations: Revocations;

  /** `mode`: the sign-in mode whose cookies these are; a cookie signed for another is none. */
  constructor(sessionKey: Uint8Array, private readonly mode: Exclude<AuthMode, 'local' | 'proxy'>, options: SignedSessionsOptions = {}) {
    this.#key = cookieKey(sessionKey);
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    // a cache of sessions that live on in their cookies: one pushed out of it is forgotten here, not ended, and it never refuses one
    this.#live = new LiveSessions(this.#clock, options.maxSessions ?? MAX_SESSIONS, 'forgotten');
    this.revocations = options.revocations ?? new MemoryRevocations(() => this.#clock.now());
    this.revocations.onPersonRevoked((user, at) => this.#live.dropPerson(user, (session) => session.signedInAt <= at, 'signedOutByAdmin'));
  }

  start(caller: Caller, expiresAt: number, signedInAt = this.#clock.now()): string | StartRefused {
    const sid = randomBytes(16).toString('base64url');
    const value = seal(this.#key, { sid, caller, expiresAt, signedInAt });
    if (!value) return { problem: 'Your name and groups are too long to fit in a browser cookie: ask your admin to send fewer groups (the groups claim or the identity provider).' };
    this.#live.add(sid, { caller: sessionCaller(caller, sid, expiresAt, signedInAt), expiresAt, signedInAt });
    return value;
  }

  find(value: string | undefined): Lookup {
    if (!value) return { problem: 'missing' };
    const opened = unseal(this.#key, value, this.mode, this.#clock.now());
    if (!opened) return { problem: 'ended' };
    if (this.revocations.isRevoked(opened.sid)) {
      this.#live.drop(opened.sid); // revoked elsewhere: its sockets here close too
      return { problem: 'ended' };
    }
    if (this.revocations.isPersonRevoked(opened.caller.person!.user, opened.signedInAt)) {
      this.#live.drop(opened.sid, 'signedOutByAdmin');
      return { problem: 'ended' };
    }
    const known = this.#live.get(opened.sid);
    if (known) return { session: known };
    const session: Session = { caller: opened.caller, expiresAt: opened.expiresAt, signedInAt: opened.signedInAt };
    // a session made already (here before a forgetting, or on another replica) is taken: this is a cache of them
    this.#live.add(opened.sid, session);
    return { session };
  }

  end(value: string | undefined): Session | undefined {
    const opened = value ? unseal(this.#key, value, this.mode, this.#clock.now()) : undefined;
    if (!opened || this.revocations.isRevoked(opened.sid)) return undefined;
    this.revocations.revoke(opened.sid, opened.expiresAt);
    // a session this replica never saw ends here all the same: what it made (its shares) ends with it
    return this.#live.drop(opened.sid) ?? this.#live.ended({ caller: opened.caller, expiresAt: opened.expiresAt, signedInAt: opened.signedInAt });
  }

  /** Revokes every sign-in of `user` made until now: the revocations' listener ends the ones here, and each other replica's that hears of it. */
  endPerson(user: string): number {
    const at = this.#clock.now();
    this.revocations.revokePerson(user, at);
    return at;
  }

  personSignedOutSince(user: string, at: number): boolean {
    return this.revocations.isPersonRevoked(user, at);
  }

  onEnded(listener: EndedListener): void {
    this.#live.onEnded(listener);
  }

  close(): void {
    this.#live.close();
  }
}
