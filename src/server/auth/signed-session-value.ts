// The signed session cookie's value: who signed in and until when, readable by every replica that
// holds the same session key, made by none that does not. `v1.PAYLOAD.MAC` (signed-value.ts):
// PAYLOAD is the JSON {sid, iat, exp, mode, user, groups, admin, signOut}, MAC under a key derived
// from the session key (so the same key may later sign something else without the two being
// confused). The expiry is inside what is signed, and so is the sign-in's time (`iat`: an
// admin's sign-out of the person ends the sign-ins made until then). A cookie from a build before
// `iat` is taken as made 8 hours before its end: no later than it was, as none lasts longer, so
// such a sign-out ends it whenever it should. Anything else (another version, another
// key, a changed or cut value, an expired one, an over-long one) opens to nothing: not a session,
// never an error.
import type { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import type { AuthMode } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';
import { SESSION_MS, sessionCaller } from './sessions.ts';
import { openValue, signValue } from './signed-value.ts';

export const VERSION = 'v1';
/** Browsers keep a cookie of up to 4096 bytes, name included: a longer value would be dropped silently. */
export const MAX_VALUE_LENGTH = 4000;
/** A key shorter than the MAC's own 256 bits would be the weak part. */
export const MIN_KEY_BYTES = 32;

export interface SignedSession {
  /** random, per sign-in: what sign-out revokes */
  sid: string;
  caller: Caller;
  expiresAt: number;
  signedInAt: number;
}

interface Payload {
  sid: string;
  /** absent in a cookie from a build before it */
  iat?: number;
  exp: number;
  mode: AuthMode;
  user: string;
  groups: string[];
  admin: boolean;
  signOut: string | null;
}

/** The HMAC key for session cookies, derived from the shared session key. */
export function cookieKey(sessionKey: Uint8Array): Buffer {
  if (sessionKey.byteLength < MIN_KEY_BYTES) throw new Error(`a session key needs at least ${MIN_KEY_BYTES} bytes, not ${sessionKey.byteLength}`);
  return createHmac('sha256', sessionKey).update('octant-exec session cookie').digest();
}

/** The cookie value for `session`, or undefined when it would be too long for a browser to keep. */
export function seal(key: Buffer, session: SignedSession): string | undefined {
  const { caller } = session;
  const payload: Payload = { sid: session.sid, iat: session.signedInAt, exp: session.expiresAt, mode: caller.mode, user: caller.person!.user, groups: caller.person!.groups, admin: caller.admin, signOut: caller.signOut };
  const value = signValue(key, VERSION, payload);
  return value.length <= MAX_VALUE_LENGTH ? value : undefined;
}

/** The session in `value` if this key signed it for `mode` and it has not expired at `now`; else undefined. */
export function unseal(key: Buffer, value: string, mode: AuthMode, now: number): SignedSession | undefined {
  const payload = parsed(openValue(key, VERSION, value, MAX_VALUE_LENGTH));
  // Signed by us, so well-formed; checked anyway, as a value from outside.
  if (!payload || payload.mode !== mode || !(now < payload.exp)) return undefined;
  const signedInAt = payload.iat ?? payload.exp - SESSION_MS;
  const caller = sessionCaller({ mode, person: { user: payload.user, groups: payload.groups }, admin: payload.admin, signOut: payload.signOut }, payload.sid, payload.exp, signedInAt);
  return { sid: payload.sid, caller, expiresAt: payload.exp, signedInAt };
}

function parsed(opened: unknown): Payload | undefined {
  const p = opened as Partial<Payload> | undefined;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  const ok = typeof p === 'object' && p !== null && typeof p.sid === 'string' && (p.iat === undefined || Number.isFinite(p.iat)) && Number.isFinite(p.exp) && typeof p.user === 'string' && strings(p.groups) && typeof p.admin === 'boolean' && (p.signOut === null || typeof p.signOut === 'string');
  return ok ? (p as Payload) : undefined;
}
