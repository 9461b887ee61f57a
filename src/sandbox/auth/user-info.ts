// Who a request is, as the API server's authenticators and impersonation filter hand it on: a
// user name, groups, and optionally a uid and extra values. Service accounts are users whose
// name says so (`system:serviceaccount:NS:NAME`) and whose groups follow from it.
import { isValidName } from '../../domain/names.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Every authenticated request is in this group; the API server adds it. */
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** The namespace and name of a service account's user name, or undefined for any other name. */
export function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  // A service account's name is a DNS-1123 subdomain, like a pod's.
  return isValidName('namespace', namespace) && isValidName('pod', name) ? { namespace, name } : undefined;
}

/** The groups the token authenticator gives every service account of a namespace. */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

/** A UserInfo as the API writes it in TokenReview, SelfSubjectReview and audit events: empty fields left out. */
export function userInfoJson(user: UserInfo): Record<string, unknown> {
  return { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) };
}
