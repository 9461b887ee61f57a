// The secrets of local-mode share links and the cookies they are traded for: 256 bits from the
// CSPRNG, kept by the server only as sha256 hashes (in the event log), and checked in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;
/** compared against when there is no hash to compare with, so a wrong id takes as long as a wrong secret */
const NO_HASH = Buffer.alloc(32);

export function newShareSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** Whether `text` has the shape newShareSecret gives (256 bits, base64url). */
export function isShareSecret(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

/** A share's id: random too, so one share's id says nothing of another's. */
export function newShareId(): string {
  return `s${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, '0')}`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether `given` hashes to `hash` (hex), in time that depends on neither. */
export function matchesHash(given: string, hash: string | undefined): boolean {
  const expected = hash !== undefined && /^[0-9a-f]{64}$/.test(hash) ? Buffer.from(hash, 'hex') : NO_HASH;
  const same = timingSafeEqual(createHash('sha256').update(given).digest(), expected);
  return same && expected !== NO_HASH;
}
