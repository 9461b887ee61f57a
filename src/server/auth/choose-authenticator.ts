// The Authenticator for the sign-in mode the server was started with (auth-settings.ts checked it),
// and how its sessions are kept: signed cookies when a session key was given (every replica with
// the key takes them, OIDC's sign-ins under way too), else this process's memory. The
// authenticators see only the Sessions and OidcFlows seams.
import type { TokenReviewResult } from '../../adapters/kubernetes/token-review.ts';
import type { FrontDoor } from '../security.ts';
import type { Authenticator } from './authenticator.ts';
import { CALLBACK_PATH } from './auth-paths.ts';
import { FormTokens } from './form-tokens.ts';
import type { AuthSettings } from './auth-settings.ts';
import { KubeTokenAuthenticator } from './kube-token-auth.ts';
import { LocalAuthenticator } from './local-auth.ts';
import { OidcAuthenticator } from './oidc-auth.ts';
import { ProxyAuthenticator } from './proxy-auth.ts';
import type { Revocations } from './revocations.ts';
import type { Sessions } from './sessions.ts';
import { SignedFlows } from './signed-flows.ts';
import { SignedSessions } from './signed-sessions.ts';

export interface AuthenticatorParts {
  door: FrontDoor;
  adminGroups: readonly string[];
  /** the origin people's browsers reach the server at: https://exec.example.com, or http://127.0.0.1:PORT */
  publicOrigin: string;
  review(token: string): Promise<TokenReviewResult>;
  warn(message: string): void;
  /** where signed sessions' sign-outs (and, in proxy mode too, an admin's sign-out of a person) are kept; default this process's memory (shared-revocations.ts shares them) */
  revocations?: Revocations;
}

export function chooseAuthenticator(settings: AuthSettings, parts: AuthenticatorParts): Authenticator {
  const adminGroups = new Set(parts.adminGroups);
  const secure = parts.publicOrigin.startsWith('https:');
  switch (settings.mode) {
    case 'local':
      return new LocalAuthenticator(parts.door);
    case 'proxy':
      return new ProxyAuthenticator(settings.peers, adminGroups, settings.prefixes, parts.warn, parts.revocations);
    case 'kube-token':
      return new KubeTokenAuthenticator({
        door: parts.door,
        adminGroups,
        secure,
        review: parts.review,
        warn: parts.warn,
        sessionMs: settings.sessionMs,
        ...signed(settings, parts.revocations),
        // the form from one replica, posted to another, is taken there
        ...(settings.sessionKey ? { forms: FormTokens.forSessionKey(settings.sessionKey), sessionKey: settings.sessionKey } : {}),
      });
    case 'oidc':
      return new OidcAuthenticator({
        ...settings,
        door: parts.door,
        adminGroups,
        secure,
        warn: parts.warn,
        redirectUri: parts.publicOrigin + CALLBACK_PATH,
        ...signed(settings, parts.revocations),
        // the provider's answer may come back to another replica than the one that sent the browser there
        ...(settings.sessionKey ? { flows: new SignedFlows(settings.sessionKey) } : {}),
      });
  }
}

/** Signed sessions when there is a key; nothing (the authenticator's own in-memory store) when not. */
function signed(settings: { mode: 'kube-token' | 'oidc'; sessionKey?: Uint8Array }, revocations: Revocations | undefined): { sessions?: Sessions } {
  return settings.sessionKey ? { sessions: new SignedSessions(settings.sessionKey, settings.mode, revocations ? { revocations } : {}) } : {};
}
