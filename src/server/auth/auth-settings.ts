// The sign-in mode as the server is asked to run it, checked before anything starts: a bad
// combination stops the start with a sentence that says what to give instead. The OIDC client
// secret is read here, from its file (never a flag: command lines are visible to every process),
// checked as --token-file and --session-key-file are (private-file.ts).
import { RESERVED_PREFIX, type NamePrefixes } from './asserted-person.ts';
import { nameProblem } from './person-names.ts';
import { readPrivateFile } from './private-file.ts';
import { SESSION_MS } from './sessions.ts';
import { sessionKeyFromFile } from './session-key-file.ts';
import { MIN_KEY_BYTES } from './signed-session-value.ts';
import { TrustedPeers } from './trusted-peers.ts';

/** As kube-apiserver's --oidc-username-claim: the subject, stable and unique at the provider. */
export const DEFAULT_USERNAME_CLAIM = 'sub';
export const DEFAULT_GROUPS_CLAIM = 'groups';
const MAX_PREFIX_LENGTH = 128;

/** What proxy and oidc prepend to the names they are given (--proxy-username-prefix …); none by default. */
interface PrefixOptions {
  usernamePrefix?: string;
  groupsPrefix?: string;
}

/** Tests only, not a flag: a session shorter than SESSION_MS, to see one end. */
interface LifetimeOptions {
  sessionMs?: number;
}

/**
 * kube-token and oidc: a key (32 bytes or more) to sign session cookies with, so that every
 * replica given the same key takes them (signed-sessions.ts); from a file, or handed over (read
 * from a shared store). Without one, sessions are kept in this process's memory.
 */
interface SessionKeyOptions {
  sessionKeyFile?: string;
  sessionKey?: Uint8Array;
}

export type AuthOptions =
  | { mode: 'local' }
  | ({ mode: 'proxy'; trustedProxies: string[] } & PrefixOptions)
  | ({ mode: 'kube-token' } & LifetimeOptions & SessionKeyOptions)
  | ({ mode: 'oidc'; issuer: string; clientId: string; clientSecretFile: string; usernameClaim?: string; groupsClaim?: string } & PrefixOptions & LifetimeOptions & SessionKeyOptions);

/** The key session cookies are signed with, when sessions are signed rather than kept in memory. */
interface SessionKeySetting {
  sessionKey?: Uint8Array;
}

export type AuthSettings =
  | { mode: 'local' }
  | { mode: 'proxy'; peers: TrustedPeers; prefixes: NamePrefixes }
  | ({ mode: 'kube-token'; sessionMs: number } & SessionKeySetting)
  | ({ mode: 'oidc'; issuer: string; clientId: string; clientSecret: string; usernameClaim: string; groupsClaim: string; prefixes: NamePrefixes; sessionMs: number } & SessionKeySetting);

export function authSettings(options: AuthOptions | undefined): AuthSettings {
  if (!options || options.mode === 'local') return { mode: 'local' };
  if (options.mode === 'kube-token') return { mode: 'kube-token', sessionMs: lifetime(options.sessionMs), ...sessionKey(options) };
  if (options.mode === 'proxy') {
    if (!options.trustedProxies?.length) throw new Error('--auth proxy needs --trusted-proxy CIDR (the address range of the authenticating proxy): without it, anyone could say who they are');
    let peers: TrustedPeers;
    try {
      peers = new TrustedPeers(options.trustedProxies);
    } catch (error) {
      throw new Error(`--trusted-proxy: ${(error as Error).message}`);
    }
    return { mode: 'proxy', peers, prefixes: prefixes('proxy', options) };
  }
  if (options.mode !== 'oidc') throw new Error(`--auth takes local, proxy, oidc or kube-token, not "${String((options as { mode: unknown }).mode).slice(0, 40)}"`);
  const missing = [!options.issuer && '--oidc-issuer URL', !options.clientId && '--oidc-client-id ID', !options.clientSecretFile && '--oidc-client-secret-file FILE'].filter(Boolean);
  if (missing.length) throw new Error(`--auth oidc needs ${missing.join(', ')}`);
  checkIssuer(options.issuer);
  if (!/^[\x21-\x7e]{1,256}$/.test(options.clientId)) throw new Error('--oidc-client-id must be printable, without spaces, at most 256 characters');
  const usernameClaim = claimName('--oidc-username-claim', options.usernameClaim ?? DEFAULT_USERNAME_CLAIM);
  const groupsClaim = claimName('--oidc-groups-claim', options.groupsClaim ?? DEFAULT_GROUPS_CLAIM);
  const named = prefixes('oidc', options);
  const sessionMs = lifetime(options.sessionMs);
  const key = sessionKey(options);
  return { mode: 'oidc', issuer: options.issuer, clientId: options.clientId, clientSecret: readSecret(options.clientSecretFile), usernameClaim, groupsClaim, prefixes: named, sessionMs, ...key };
}

/**
 * --MODE-username-prefix and --MODE-groups-prefix: any printable text, `-` meaning none (as
 * kube-apiserver's flags take it), and never a `system:` one, which would make every name one of
 * Kubernetes' own (and so refuse everyone).
 */
function prefixes(mode: 'proxy' | 'oidc', options: PrefixOptions): NamePrefixes {
  const one = (kind: 'username' | 'groups', value: string | undefined): string => {
    if (value === undefined || value === '' || value === '-') return '';
    const flag = `--${mode}-${kind}-prefix`;
    if (value.length > MAX_PREFIX_LENGTH || nameProblem(value)) throw new Error(`${flag} must be printable, at most ${MAX_PREFIX_LENGTH} characters`);
    if (value.startsWith(RESERVED_PREFIX)) throw new Error(`${flag} must not start with "${RESERVED_PREFIX}": those names are Kubernetes' own, and octant-exec never acts as one`);
    return value;
  };
  return { username: one('username', options.usernamePrefix), groups: one('groups', options.groupsPrefix) };
}

function lifetime(ms: number | undefined): number {
  if (ms === undefined) return SESSION_MS;
  if (!(ms > 0 && ms <= SESSION_MS)) throw new Error(`a session lasts at most ${SESSION_MS / 3600_000} hours`);
  return ms;
}

/** The key from its file or as given (not both), long enough to sign with; none: sessions in memory. */
function sessionKey(options: SessionKeyOptions): SessionKeySetting {
  if (options.sessionKeyFile !== undefined && options.sessionKey !== undefined) throw new Error('a session key comes from --session-key-file or from the shared store, not both');
  const key = options.sessionKeyFile === undefined ? options.sessionKey : sessionKeyFromFile(options.sessionKeyFile);
  if (key === undefined) return {};
  if (key.byteLength < MIN_KEY_BYTES) throw new Error(`the session key has ${key.byteLength} bytes; it needs at least ${MIN_KEY_BYTES} random bytes`);
  return { sessionKey: key };
}

/** https, or http on loopback (a provider on this machine, in development); nothing after the path. */
function checkIssuer(issuer: string): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`--oidc-issuer must be a URL like https://login.example.com, not "${issuer.slice(0, 60)}"`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error('--oidc-issuer must be https (http only for a provider on loopback)');
  if (url.search || url.hash || url.username || url.password) throw new Error('--oidc-issuer is the issuer URL alone, without a query, fragment or credentials');
}

function claimName(flag: string, name: string): string {
  if (!/^[A-Za-z0-9_.:/-]{1,100}$/.test(name)) throw new Error(`${flag} takes a claim name like email or groups, not "${name.slice(0, 60)}"`);
  return name;
}

/** The client secret, from a file checked as the other secrets' are (private-file.ts: not every user's to read, not another user's). */
function readSecret(file: string): string {
  const flag = '--oidc-client-secret-file';
  const secret = readPrivateFile(flag, file).toString('utf8').replace(/\r?\n$/, '');
  if (secret === '' || /[\r\n]/.test(secret)) throw new Error(`${flag} ${file} must hold the client secret alone, on one line`);
  return secret;
}
