// A value this server signs to take back later, unchanged, from whoever carries it: `VERSION.
// PAYLOAD.MAC`, PAYLOAD a JSON value in base64url, MAC its HMAC-SHA256 under a key kept for that one
// use (so that a value signed for one use is never taken for another). Anything else (another
// version or key, a changed or cut value, an over-long one) opens to nothing, never an error. What
// the payload holds is the caller's to check.
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromBase64urlJson, toBase64urlJson } from './base64url-json.ts';

const MAC_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function signValue(key: Uint8Array, version: string, payload: unknown): string {
  const signed = `${version}.${toBase64urlJson(payload)}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
}

/** The payload of a value `key` signed under `version`, or undefined. */
export function openValue(key: Uint8Array, version: string, value: string, maxLength: number): unknown {
  if (value.length > maxLength) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== version || !BASE64URL.test(parts[1]) || !BASE64URL.test(parts[2])) return undefined;
  const given = Buffer.from(parts[2], 'base64url');
  // Only the one spelling we write: base64url's last letter has spare bits another letter could flip unseen.
  if (given.length !== MAC_BYTES || given.toString('base64url') !== parts[2] || !timingSafeEqual(given, mac(key, `${parts[0]}.${parts[1]}`))) return undefined;
  return fromBase64urlJson(parts[1]);
}

function mac(key: Uint8Array, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}
