// Who can call the sandbox: its admin (the kubeconfig it has always written: `system:masters`,
// allowed everything) and each user of the fixture, every one with a bearer token of its own made
// at start. A user whose name is a service account's (`system:serviceaccount:NS:NAME`) gets that
// namespace's service-account groups, as a service-account token would give them.
import type { SandboxFixture } from '../fixture/fixture.ts';
import { newBearerToken } from './token-authenticator.ts';
import { serviceAccountGroups, splitServiceAccount, type UserInfo } from './user-info.ts';

export const DEFAULT_ADMIN_USER = 'octant-exec-sandbox-user';

export interface Identity {
  user: UserInfo;
  token: string;
}

export interface SandboxIdentities {
  admin: Identity;
  /** by the fixture's name for each user (`alice`, `octant-exec`) */
  users: Map<string, Identity>;
}

export function sandboxIdentities(fixture: SandboxFixture, adminToken: string): SandboxIdentities {
  const admin = { user: { username: fixture.user ?? DEFAULT_ADMIN_USER, groups: ['system:masters'] }, token: adminToken };
  const users = new Map<string, Identity>();
  for (const { name, username = name, groups = [] } of fixture.users ?? []) {
    const serviceAccount = splitServiceAccount(username);
    const own = serviceAccount ? serviceAccountGroups(serviceAccount.namespace) : [];
    users.set(name, { user: { username, groups: [...own, ...groups.filter((g) => !own.includes(g))] }, token: newBearerToken() });
  }
  return { admin, users };
}
