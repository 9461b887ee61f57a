// A shared live terminal (docs/api.md, "Sharing a terminal"): a link its owner makes for watching
// (viewer) or typing too (participant), until it expires or is revoked. What the event log keeps
// of one: never its secret, only the secret's sha256 (a 256-bit random value, so the hash cannot
// be reversed or guessed), and who joined, changed or typed (never what they typed).

export const SHARE_ROLES = ['viewer', 'participant'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];

/** a link lives an hour unless asked otherwise, a day at most */
export const SHARE_DEFAULT_MS = 60 * 60 * 1000;
export const SHARE_MAX_MS = 24 * 60 * 60 * 1000;

/** who a local-mode link's one browser is, in the log and the list (it has no signed-in name) */
export const LINK_HOLDER = 'link holder';

export type ShareFact =
  /**
   * team mode: `users`/`groups` may use it (signed in), `by` made it; made in a sign-in session
   * (kube-token, oidc), `signIn` is the SHA-256 of that session's id, as its sign-out is kept
   * (src/server/auth/revocations.ts; never the cookie), for the share ends with the session, and
   * `untilSignInEnds` says `expiresAt` was cut to the session's end; local mode: `secretHash` is
   * the link's secret, hashed
   */
  | { type: 'share.created'; shareId: string; sessionId: string; role: ShareRole; expiresAt: number; by?: string; users?: string[]; groups?: string[]; secretHash?: string; signIn?: string; untilSignInEnds?: true }
  /** `because` the owner's sign-in session that made it ended (absent: the owner revoked it; so is every entry from before it was kept) */
  | { type: 'share.revoked'; shareId: string; sessionId: string; because?: ShareRevokedBecause }
  /** local mode: the link's secret was traded for a cookie limited to this share (its hash); the link is used up */
  | { type: 'share.claimed'; shareId: string; sessionId: string; cookieHash: string }
  /** `who` began watching (their first socket); `role` is theirs then */
  | { type: 'share.joined'; shareId: string; sessionId: string; who: string; role: ShareRole }
  /** `who` stopped watching (their last socket closed) */
  | { type: 'share.left'; shareId: string; sessionId: string; who: string }
  /** the owner made `who` a viewer or a participant */
  | { type: 'share.roleChanged'; shareId: string; sessionId: string; who: string; role: ShareRole }
  /** the owner removed `who`: the share no longer lets them in */
  | { type: 'share.removed'; shareId: string; sessionId: string; who: string }
  /** `who` typed in the terminal (at most one such fact a participant per SHARE_TYPED_EVERY_MS: not what, nor how much) */
  | { type: 'share.typed'; shareId: string; sessionId: string; who: string };

/**
 * why a share was revoked other than by its owner's hand: the sign-in session that made it ended
 * (`signedOut`: signed out, or pushed out by newer ones; `signInEnded`: with the server that kept it
 * in memory, at its restart)
 */
export type ShareRevokedBecause = 'signedOut' | 'signInEnded';

export type ShareFactType = ShareFact['type'];

/** one `share.typed` per participant per this long, so typing does not flood the log */
export const SHARE_TYPED_EVERY_MS = 30_000;

export function isShareFact(fact: { type: string }): fact is ShareFact {
  return fact.type.startsWith('share.');
}
