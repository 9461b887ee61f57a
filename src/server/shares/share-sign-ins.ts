// A share lasts at most as long as the sign-in that made it (docs/team-mode.md, "Sharing a
// terminal"): a participant types as the owner, so once the owner's session is over (signed out,
// or pushed out by their newer ones) nobody types as them through it. createShare cuts a share's
// expiry to its session's end; this ends, when the session ends, the shares made in it that are
// still live. Through the event log, as a revoke: every replica's sockets hear it at once, and the
// owner's other sessions (another browser) and their shares are untouched.
import type { ShareRevokedBecause } from '../../domain/share.ts';
import type { ShareRow } from '../../events/projections/shares.ts';
import type { ExecSystem } from '../../runtime/exec-system.ts';
import type { Caller } from '../caller.ts';

type Sharing = Pick<ExecSystem, 'shares' | 'share'>;

/** Revokes, as `signedOut`, every live share made in `caller`'s sign-in session (none without one: local and proxy mode). */
export function endSharesOfSignIn(system: Sharing, caller: Caller, now: number): void {
  const idHash = caller.signIn?.idHash;
  // At its expiry they expired with it already (their end is its end): nothing to log then.
  if (idHash !== undefined) revokeLive(system, now, (row) => row.signIn === idHash, 'signedOut');
}

/**
 * At the start of a server that keeps its sign-ins in memory (no session key): each sign-in of an
 * earlier run ended with it (the pages sign in again), and so do the live shares made in them.
 */
export function endSharesOfEarlierSignIns(system: Sharing, now: number): void {
  revokeLive(system, now, (row) => row.signIn !== undefined, 'signInEnded');
}

/**
 * When an admin signs `user` out everywhere: every live share they made, in whichever sign-in (as
 * each sign-in's own end would, also those of a sign-in no replica holds now), or in proxy mode,
 * where none lasts only as long as a sign-in. Returns the ones revoked.
 */
export function endSharesOfPerson(system: Sharing, user: string, now: number): string[] {
  return revokeLive(system, now, (row) => row.by === user, 'signedOut');
}

function revokeLive(system: Sharing, now: number, which: (row: ShareRow) => boolean, because: ShareRevokedBecause): string[] {
  const live = Object.values(system.shares.byId).filter((row) => which(row) && row.revokedAt === undefined && now < row.expiresAt);
  for (const row of live) system.share({ type: 'share.revoked', shareId: row.shareId, sessionId: row.sessionId, because });
  return live.map((row) => row.shareId);
}
