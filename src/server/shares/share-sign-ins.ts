// A share lasts at most as long as the sign-in that made it (docs/team-mode.md, "Sharing a
// terminal"): a participant types as the owner, so once the owner's session is over (signed out,
// or pushed out by their newer ones) nobody types as them through it. createShare cuts a share's
// expiry to its session's end; this ends, when the session ends, the shares made in it that are
// still live. Through the event log, as a revoke: every replica's sockets hear it at once, and the
// owner's other sessions (another browser) and their shares are untouched.
import type { ExecSystem } from '../../runtime/exec-system.ts';
import type { Caller } from '../caller.ts';

/** Revokes, as `signedOut`, every live share made in `caller`'s sign-in session (none without one: local and proxy mode). */
export function endSharesOfSignIn(system: Pick<ExecSystem, 'shares' | 'share'>, caller: Caller, now: number): void {
  const idHash = caller.signIn?.idHash;
  if (idHash === undefined) return;
  // At its expiry they expired with it already (their end is its end): nothing to log then.
  for (const row of Object.values(system.shares.byId)) {
    if (row.signIn === idHash && row.revokedAt === undefined && now < row.expiresAt) system.share({ type: 'share.revoked', shareId: row.shareId, sessionId: row.sessionId, because: 'signedOut' });
  }
}
