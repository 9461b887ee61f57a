// The impersonation headers, as kube-apiserver's impersonation filter reads and checks them:
// `Impersonate-User` (a service account's name makes it that service account),
// `Impersonate-Group` (repeated), `Impersonate-Uid`, `Impersonate-Extra-KEY`. The caller needs the
// `impersonate` verb on each thing asked for (users, serviceaccounts, groups, and uids and
// userextras in authentication.k8s.io); the request then runs as the new user, who has exactly
// the groups asked for (a person's own groups are not looked up) plus system:authenticated.
import { Buffer } from 'node:buffer';
import { resourceAttributes, type ResourceAttributes } from '../rbac/attributes.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import { badRequest, forbidden, type StatusError } from '../api/kube-status.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, serviceAccountGroups, splitServiceAccount, type UserInfo } from './user-info.ts';

const ANONYMOUS = 'system:anonymous';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';
const EXTRA_PREFIX = 'impersonate-extra-';

/** Node's `headersDistinct`: every header by lowercase name, each line apart (a repeated header is not comma-joined). */
export type HeaderLines = Record<string, string[] | undefined>;

export type Impersonation = { none: true } | { user: UserInfo } | { refused: StatusError };

export function impersonate(headers: HeaderLines, requestor: UserInfo, authorizer: Authorizer): Impersonation {
  const username = utf8(headers['impersonate-user']?.[0] ?? '');
  const groups = (headers['impersonate-group'] ?? []).map(utf8);
  const uid = utf8(headers['impersonate-uid']?.[0] ?? '');
  const extras = Object.entries(headers).flatMap(([header, values]) =>
    header.startsWith(EXTRA_PREFIX) ? (values ?? []).map((value) => ({ key: unescapeKey(header.slice(EXTRA_PREFIX.length)), value: utf8(value) })) : [],
  );
  if (!username) {
    if (groups.length === 0 && !uid && extras.length === 0) return { none: true };
    return { refused: badRequest(`requested ${describeRequests(groups, extras, uid)} without impersonating a user`) };
  }

  const serviceAccount = splitServiceAccount(username);
  const checks: ResourceAttributes[] = [
    serviceAccount
      ? resourceAttributes({ verb: 'impersonate', resource: 'serviceaccounts', namespace: serviceAccount.namespace, name: serviceAccount.name })
      : resourceAttributes({ verb: 'impersonate', resource: 'users', name: username }),
    ...groups.map((name) => resourceAttributes({ verb: 'impersonate', resource: 'groups', name })),
    ...extras.map(({ key, value }) => resourceAttributes({ verb: 'impersonate', apiGroup: AUTHENTICATION_GROUP, resource: 'userextras', subresource: key, name: value })),
    ...(uid ? [resourceAttributes({ verb: 'impersonate', apiGroup: AUTHENTICATION_GROUP, resource: 'uids', name: uid })] : []),
  ];
  for (const check of checks) {
    const { decision, reason } = authorizer.authorize(requestor, check);
    if (decision !== 'allow') return { refused: forbidden(requestor.username, check, reason) };
  }

  // A service account impersonated without groups gets its own, as its token would give it.
  const asked = serviceAccount && groups.length === 0 ? serviceAccountGroups(serviceAccount.namespace) : [...groups];
  const marker = username === ANONYMOUS ? ALL_UNAUTHENTICATED : ALL_AUTHENTICATED;
  const marked = asked.includes(marker) || (marker === ALL_AUTHENTICATED && asked.includes(ALL_UNAUTHENTICATED));
  const extra: Record<string, string[]> = {};
  for (const { key, value } of extras) (extra[key] ??= []).push(value);
  return {
    user: {
      username,
      groups: marked ? asked : [...asked, marker],
      ...(uid ? { uid } : {}),
      ...(extras.length ? { extra } : {}),
    },
  };
}

/** Node reads header bytes as Latin-1; the API server takes them as the UTF-8 a client sends (`zoë`, not `zoÃ«`). */
function utf8(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}

/** Extra keys are percent-encoded in header names; a malformed one is kept as sent, as the API server does. */
function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** The API server prints what was asked for as Go prints its object references: `[{Group  dev    }]`. */
function describeRequests(groups: string[], extras: { key: string; value: string }[], uid: string): string {
  const reference = (kind: string, name: string, apiVersion = '', fieldPath = '') => `{${[kind, '', name, '', apiVersion, '', fieldPath].join(' ')}}`;
  const references = [
    ...groups.map((group) => reference('Group', group)),
    ...extras.map(({ key, value }) => reference('UserExtra', value, `${AUTHENTICATION_GROUP}/v1`, key)),
    ...(uid ? [reference('UID', uid, `${AUTHENTICATION_GROUP}/v1`)] : []),
  ];
  return `[${references.join(' ')}]`;
}
