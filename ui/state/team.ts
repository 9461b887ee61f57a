// Team mode in the page (docs/team-mode.md): who is signed in, what they may do where, and which
// terminals they only watch. Pure functions of the state: the actions fill it, views and the
// terminal layer read it. In local mode (`info.signedIn` null) everything here says "yours, allowed".
import { namespaceKey } from '../../src/protocol/index.ts';
import type { PermissionsReply, SessionRow, SignedIn } from '../../src/protocol/index.ts';
import type { AppState } from './app-state.ts';

/** What the page knows of the caller's permissions in one namespace (of one context). */
export interface PermissionEntry {
  /** the latest answer; kept while a fresh one is asked for */
  exec?: PermissionsReply['exec'];
  loading: boolean;
  /** the question failed: the page then leaves the actions on (the server refuses anyway) */
  error?: string;
}

/** Whether exec actions (Shell, Exec, Run in all containers) are on, and why not. */
export type ExecPermission = { allowed: true } | { allowed: false; reason: string };

export function signedIn(state: AppState): SignedIn | null {
  return state.info?.signedIn ?? null;
}

export function permissionKey(namespace: string, context?: string): string {
  return namespaceKey(context, namespace);
}

/**
 * The page asks the server only in a team mode: in local mode the one person is the kubeconfig's
 * identity, the server answers "allowed" without asking the cluster, and a refused exec already
 * comes back naming the missing permission (SECURITY.md 8), so a request per namespace would buy
 * nothing.
 */
export function wantsPermissions(state: AppState): boolean {
  return signedIn(state) !== null;
}

/** Exec in the namespace on screen: off only when the cluster said no; on while unknown or when the question failed. */
export function execPermission(state: AppState): ExecPermission {
  const entry = state.permissions[permissionKey(state.route.namespace, state.route.context)];
  if (!entry?.exec || entry.exec.allowed || entry.error) return { allowed: true };
  return { allowed: false, reason: entry.exec.reason || `You may not create pods/exec in namespace ${state.route.namespace}.` };
}

/**
 * The owner of a terminal this caller only watches (an admin's view of someone else's), or
 * undefined when it is theirs. As the server decides: in a team mode a terminal is yours when its
 * person is you; one started in local mode (no person) is nobody's, so it is only watched.
 */
export function watchedOwner(state: AppState, row: SessionRow): string | undefined {
  const me = signedIn(state);
  if ((me && row.person?.user !== me.user) || state.readOnly.includes(row.sessionId)) return row.person?.user ?? row.requestedBy;
  return undefined;
}

/** Whether the page offers the event log (Inspector): everyone in local mode, admins in a team mode. */
export function mayInspect(state: AppState): boolean {
  const me = signedIn(state);
  return !me || me.admin;
}

/** A terminal the caller watches: keystrokes and sizes are not sent, Restart and Close are not offered. */
export function isWatched(state: AppState, row: SessionRow): boolean {
  return watchedOwner(state, row) !== undefined;
}

/** "alice (dev, viewers)" for a tooltip; the groups are also where the page shows who is signed in. */
export function personTitle(person: { user: string; groups: readonly string[] }): string {
  return person.groups.length ? `${person.user} — groups: ${person.groups.join(', ')}` : `${person.user} — no groups`;
}
