// The sign-in mode as the server is asked to run it, checked before anything starts: a bad
// combination stops the start with a sentence that says what to give instead. The OIDC client
// secret is read here, from its file (never a flag: command lines are visible to every process).
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { AuthMode } from '../../protocol/index.ts';
import { TrustedPeers } from './trusted-peers.ts';

/** As kube-apiserver's --oidc-username-claim: the subject, stable and unique at the provider. */
export const DEFAULT_USERNAME_CLAIM = 'sub';
export const DEFAULT_GROUPS_CLAIM = 'groups';
const MAX_SECRET_BYTES = 4096;

export type AuthOptions =
  | { mode: 'local' }
  | { mode: 'proxy'; trustedProxies: string[] }
  | { mode: 'kube-token' }
  | { mode: 'oidc'; issuer: string; clientId: string; clientSecretFile: string; usernameClaim?: string; groupsClaim?: string };

export type AuthSettings =
  | { mode: 'local' }
  | { mode: 'proxy'; peers: TrustedPeers }
  | { mode: 'kube-token' }
  | { mode: 'oidc'; issuer: string; clientId: string; clientSecret: string; usernameClaim: string; groupsClaim: string };

export function authSettings(options: AuthOptions | undefined): AuthSettings {
  const mode: AuthMode = options?.mode ?? 'local';
  if (!options || options.mode === 'local' || options.mode === 'kube-token') return { mode } as AuthSettings;
  if (options.mode === 'proxy') {
    if (!options.trustedProxies?.length) throw new Error('--auth proxy needs --trusted-proxy CIDR (the address range of the authenticating proxy): without it, anyone could say who they are');
    try {
      return { mode: 'proxy', peers: new TrustedPeers(options.trustedProxies) };
    } catch (error) {
      throw new Error(`--trusted-proxy: ${(error as Error).message}`);
    }
  }
  if (options.mode !== 'oidc') throw new Error(`--auth takes local, proxy, oidc or kube-token, not "${String((options as { mode: unknown }).mode).slice(0, 40)}"`);
  const missing = [!options.issuer && '--oidc-issuer URL', !options.clientId && '--oidc-client-id ID', !options.clientSecretFile && '--oidc-client-secret-file FILE'].filter(Boolean);
  if (missing.length) throw new Error(`--auth oidc needs ${missing.join(', ')}`);
  checkIssuer(options.issuer);
  if (!/^[\x21-\x7e]{1,256}$/.test(options.clientId)) throw new Error('--oidc-client-id must be printable, without spaces, at most 256 characters');
  const usernameClaim = claimName('--oidc-username-claim', options.usernameClaim ?? DEFAULT_USERNAME_CLAIM);
  const groupsClaim = claimName('--oidc-groups-claim', options.groupsClaim ?? DEFAULT_GROUPS_CLAIM);
  return { mode: 'oidc', issuer: options.issuer, clientId: options.clientId, clientSecret: readSecret(options.clientSecretFile), usernameClaim, groupsClaim };
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

function readSecret(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--oidc-client-secret-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '' || Buffer.byteLength(secret) > MAX_SECRET_BYTES || /[\r\n]/.test(secret)) {
    throw new Error(`--oidc-client-secret-file ${file} must hold the client secret alone, on one line`);
  }
  return secret;
}
