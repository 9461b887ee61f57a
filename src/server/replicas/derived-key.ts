// The replicas share one secret (kept with the shared log); each use gets a key of its own derived
// from it, so a value signed for one purpose (a sign-in cookie) is never good for another (a
// replica's voucher).
import { createHmac } from 'node:crypto';

export type KeyPurpose = 'replica voucher' | 'sign-in sessions';

export function derivedKey(shared: Uint8Array, purpose: KeyPurpose): Uint8Array {
  return new Uint8Array(createHmac('sha256', shared).update(`octant-exec ${purpose}`).digest());
}
