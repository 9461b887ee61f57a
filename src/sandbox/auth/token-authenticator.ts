// Static bearer tokens, one per identity of the sandbox (its admin and the fixture's users), as
// kube-apiserver's token file authenticator has them. The sandbox runs commands on this machine,
// so every request must carry one of them (SECURITY.md item 9); TokenReview asks the same question.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { ALL_AUTHENTICATED, type UserInfo } from './user-info.ts';

const TOKEN_BYTES = 32; // 256 bits from the CSPRNG

export function newBearerToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The token of an `Authorization: Bearer TOKEN` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

// Hashed, so that every comparison takes the same time whatever the length of the guess.
const digest = (value: string) => createHash('sha256').update(value).digest();

export class TokenAuthenticator {
  private readonly entries: { digest: Buffer; user: UserInfo }[];

  constructor(identities: { token: string; user: UserInfo }[]) {
    this.entries = identities.map(({ token, user }) => ({ digest: digest(token), user: withAuthenticated(user) }));
  }

  /** Who holds this token, or undefined. Every token is compared, in constant time, so the time taken says nothing. */
  authenticate(token: string | undefined): UserInfo | undefined {
    if (token === undefined) return undefined;
    const presented = digest(token);
    let found: UserInfo | undefined;
    for (const entry of this.entries) if (timingSafeEqual(presented, entry.digest)) found = entry.user;
    return found;
  }
}

/** Authenticated users are in `system:authenticated`, whatever else their groups are. */
function withAuthenticated(user: UserInfo): UserInfo {
  return user.groups.includes(ALL_AUTHENTICATED) ? user : { ...user, groups: [...user.groups, ALL_AUTHENTICATED] };
}
