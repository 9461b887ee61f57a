// The sandbox runs commands on this machine, so every request must carry the per-launch token
// written into its kubeconfig (SECURITY.md item 9).
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

const TOKEN_BYTES = 32; // 256 bits from the CSPRNG

export function newBearerToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** True when the Authorization header carries exactly this token; compares in constant time. */
export function hasBearerToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  // Hash both sides so the comparison takes the same time whatever the length of the guess.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}
