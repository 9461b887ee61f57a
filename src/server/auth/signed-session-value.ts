// The signed session cookie's value: who signed in and until when, readable by every replica that
// holds the same session key, made by none that does not. `v1.PAYLOAD.MAC`: PAYLOAD is the JSON
// {sid, iat, exp, mode, user, groups, admin, signOut} in base64url, MAC its HMAC-SHA256 with a key
// derived from the session key (so the same key may later sign something else without the two
// being confused). The expiry is inside what is signed, and so is the sign-in's time (`iat`: an
// admin's sign-out of the person ends the sign-ins made until then). A cookie from a build before
// `iat` is taken as made 8 hours before its end: no later than it was, as none lasts longer, so
// such a sign-out ends it whenever it should. Anything else (another version, another
// key, a changed or cut value, an expired one, an over-long one) opens to nothing: not a session,
// never an error.
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthMode } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';
import { fromBase64urlJson, toBase64urlJson } from './base64url-json.ts';
import { SESSION_MS, sessionCaller } from './sessions.ts';

export const VERSION = 'v1';
/** Browsers keep a cookie of up to 4096 bytes, name included: a longer value would be dropped silently. */
export const MAX_VALUE_LENGTH = 4000;
/** A key shorter than the MAC's own 256 bits would be the weak part. */
export const MIN_KEY_BYTES = 32;
const MAC_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

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
  const signed = `${VERSION}.${toBase64urlJson(payload)}`;
  const value = `${signed}.${mac(key, signed).toString('base64url')}`;
  return value.length <= MAX_VALUE_LENGTH ? value : undefined;
}

/** The session in `value` if this key signed it for `mode` and it has not expired at `now`; else undefined. */
export function unseal(key: Buffer, value: string, mode: AuthMode, now: number): SignedSession | undefined {
  if (value.length > MAX_VALUE_LENGTH) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !BASE64URL.test(parts[1]) || !BASE64URL.test(parts[2])) return undefined;
  const given = Buffer.from(parts[2], 'base64url');
  // Only the one spelling we write: base64url's last letter has spare bits another letter could flip unseen.
  if (given.length !== MAC_BYTES || given.toString('base64url') !== parts[2] || !timingSafeEqual(given, mac(key, `${parts[0]}.${parts[1]}`))) return undefined;
  const payload = parsed(parts[1]);
  // Signed by us, so well-formed; checked anyway, as a value from outside.
  if (!payload || payload.mode !== mode || !(now < payload.exp)) return undefined;
  const caller = sessionCaller({ mode, person: { user: payload.user, groups: payload.groups }, admin: payload.admin, signOut: payload.signOut }, payload.sid, payload.exp);
  return { sid: payload.sid, caller, expiresAt: payload.exp, signedInAt: payload.iat ?? payload.exp - SESSION_MS };
}

function mac(key: Buffer, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

function parsed(text: string): Payload | undefined {
  const p = fromBase64urlJson(text) as Partial<Payload> | undefined;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  const ok = typeof p === 'object' && p !== null && typeof p.sid === 'string' && (p.iat === undefined || Number.isFinite(p.iat)) && Number.isFinite(p.exp) && typeof p.user === 'string' && strings(p.groups) && typeof p.admin === 'boolean' && (p.signOut === null || typeof p.signOut === 'string');
  return ok ? (p as Payload) : undefined;
}
