// --auth proxy: behind an authenticating proxy (oauth2-proxy and the like), which signs people in
// and tells us who they are in X-Forwarded-User, X-Forwarded-Groups and X-Forwarded-Email. Anyone
// can send those headers, so they count only when the TCP peer itself is a --trusted-proxy (never a
// header such as X-Forwarded-For, which the sender writes). Any other peer, or a trusted one without
// a user, is refused: there is no other way in.
//
// Groups are one comma-separated header, as oauth2-proxy joins them: a group whose NAME contains a
// comma cannot be expressed, and "dev,octant-admins" is two groups. That is why only the proxy may
// set the header (it overwrites what the browser sent), and why a peer that is not the proxy gets
// nothing at all rather than its headers minus the groups.
//
// The names are the proxy's word, not the cluster's: --proxy-username-prefix and
// --proxy-groups-prefix are prepended, and `system:` names are refused or dropped
// (asserted-person.ts), so no header makes anyone system:masters.
import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { AssertedNames, type NamePrefixes } from './asserted-person.ts';
import { refused, type Authenticator, type Verdict } from './authenticator.ts';
import { refuseTokenExchange } from './command-sign-in.ts';
import { nameProblem } from './person-names.ts';
import { MemoryRevocations, type Revocations } from './revocations.ts';
import { SESSION_MS } from './sessions.ts';
import { teamCaller } from './team-caller.ts';
import type { TrustedPeers } from './trusted-peers.ts';

export const USER_HEADER = 'x-forwarded-user';
export const GROUPS_HEADER = 'x-forwarded-groups';
export const EMAIL_HEADER = 'x-forwarded-email';
/** Longest groups header read: MAX_GROUPS names of MAX_NAME_LENGTH, with commas, and room to spare. */
const MAX_GROUPS_HEADER = 32 * 1024;
/** The request headers a server in proxy mode takes (node:http refuses more with a bare 431 before any code of ours): the default 16 KiB, and the longest groups header besides. */
export const PROXY_MAX_HEADER_BYTES = 16 * 1024 + MAX_GROUPS_HEADER;

export class ProxyAuthenticator implements Authenticator {
  readonly mode = 'proxy' as const;
  readonly signInPage = null;
  readonly #names: AssertedNames;

  constructor(
    private readonly peers: TrustedPeers,
    private readonly adminGroups: ReadonlySet<string>,
    prefixes: NamePrefixes,
    warn: (message: string) => void,
    /** where an admin's sign-out of a person goes: every replica that hears of it closes their sockets (shared-revocations.ts) */
    private readonly revocations: Revocations = new MemoryRevocations(Date.now),
  ) {
    this.#names = new AssertedNames(prefixes, 'proxy sign-in', warn);
  }

  identify(req: IncomingMessage): Verdict {
    if (!this.peers.has(req.socket.remoteAddress)) {
      return refused(401, 'This server takes who you are only from its authenticating proxy, and this request did not come through it: open octant-exec at the address your team gave you.');
    }
    const user = single(req, USER_HEADER);
    if (user === 'repeated') return refused(400, 'The request carries X-Forwarded-User more than once: the proxy must send exactly one.');
    // What a repeated header becomes when a proxy appends its own to the browser's on one line: HTTP joins a header's values with
    // a comma and white space ("mallory, alice"; "mallory, " arrives as "mallory,", the space trimmed): one header, two users. A
    // comma alone is part of a name: a client certificate's DN, as nginx's $ssl_client_s_dn passes it ("CN=alice,O=Example").
    if (user !== undefined && /,([ \t]|$)/.test(user)) {
      return refused(400, "X-Forwarded-User holds a comma followed by a space or tab, or ends with a comma, as a proxy that adds its header to the browser's instead of replacing it joins the two: the proxy must send exactly one user name.");
    }
    if (user === undefined || httpTrim(user) === '') {
      return refused(401, 'The proxy did not say who you are (no X-Forwarded-User): sign in through the proxy again, or ask your admin to make it pass the user header (oauth2-proxy: --pass-user-headers).');
    }
    const email = single(req, EMAIL_HEADER);
    if (email === 'repeated') return refused(400, 'The request carries X-Forwarded-Email more than once: the proxy must send at most one.');
    // Not the user name (X-Forwarded-User is), but checked like it: a bad value means a broken or forged header.
    const emailProblem = email === undefined ? undefined : nameProblem(httpTrim(email));
    if (emailProblem) return refused(400, `The e-mail address in X-Forwarded-Email ${emailProblem}.`);
    const groupsText = fromLatin1(req.headers[GROUPS_HEADER]);
    if (groupsText.length > MAX_GROUPS_HEADER) return refused(400, `X-Forwarded-Groups is longer than ${MAX_GROUPS_HEADER} characters.`);
    const groups = groupsText
      .split(',')
      .map(httpTrim)
      .filter((group) => group !== '');
    const person = this.#names.person(httpTrim(user), groups, { user: 'X-Forwarded-User', groups: 'X-Forwarded-Groups' });
    if ('problem' in person) {
      if (person.reserved) return refused(403, `${person.problem} Ask your admin to check the proxy's user header, or --proxy-username-prefix.`);
      return refused(400, `${person.problem} Ask your admin to check the proxy's user and group headers.`);
    }
    // a socket has the proxy's word only once, at its upgrade: it is asked again after a sign-in's length, as other modes' sessions end
    return { caller: { ...teamCaller('proxy', person, this.adminGroups, null), socketLifetimeMs: SESSION_MS } };
  }

  async route(req: IncomingMessage, _res: unknown, url: URL): Promise<boolean> {
    refuseTokenExchange(req, url, 'proxy');
    return false; // the proxy signs people in and out
  }

  onEnded(): void {}

  /**
   * Only their sockets can end here (each holds the proxy's word until its lifetime is over): the
   * proxy refuses their next request once their account is taken away there. Their requests are
   * not refused here: a person let in again by the proxy is in again.
   */
  signOutPerson(user: string): number {
    const at = Date.now();
    this.revocations.revokePerson(user, at);
    return at;
  }

  onPersonSignedOut(listener: (user: string, at: number) => void): void {
    this.revocations.onPersonRevoked(listener);
  }

  close(): void {}
}

/** A header that must appear at most once (Node joins repeats of an unknown header with ", "). */
function single(req: IncomingMessage, name: string): string | undefined | 'repeated' {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === name) count++;
  if (count > 1) return 'repeated';
  return count === 0 ? undefined : fromLatin1(req.headers[name]);
}

/**
 * The spaces and tabs HTTP puts around a value and after a list's commas, and no other: String's
 * trim() also strips Unicode spaces (U+00A0, U+3000…), which would make "\u00a0octant-admins" the
 * admins' group, where a name that starts or ends with white space is refused (asserted-person.ts).
 */
function httpTrim(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Node reads header bytes as Latin-1; proxies send names as UTF-8 (josé arrives as josÃ©). */
function fromLatin1(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return Buffer.from(text, 'latin1').toString('utf8');
}
