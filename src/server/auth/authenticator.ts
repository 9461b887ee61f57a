// How people get in (docs/team-mode.md): one Authenticator per sign-in mode turns a request or a
// socket upgrade into a Caller, or into a refusal, and answers the mode's own routes (a sign-in
// page, a callback, a sign-out). The server asks the mode chosen at start and no other: a mode that
// refuses never falls back to another.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthMode } from '../../protocol/index.ts';
import type { Caller } from '../caller.ts';
import type { EndedListener } from './live-sessions.ts';

/** A request that may not go on: its status, and a sentence that never carries the credential it was sent. */
export interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export type Verdict = { caller: Caller } | { refused: Refusal };

export interface Authenticator {
  readonly mode: AuthMode;
  /** the page a browser without a session is sent to (oidc, kube-token); null when the mode has none */
  readonly signInPage: string | null;
  /** Who makes this request or upgrade. Synchronous: sessions are in memory, a proxy's headers in the request. */
  identify(req: IncomingMessage): Verdict;
  /** Answers one of the mode's own routes; false when `url` is none of them. */
  route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Called with the caller of every session that ends (signed out, or expired: when it happens), so its sockets can be closed. */
  onEnded(listener: EndedListener): void;
  /**
   * An admin signs `user` out everywhere (docs/team-mode.md, "Offboarding"): every sign-in of
   * theirs made until now ends on every replica, each told through onEnded (`signedOutByAdmin`)
   * where it is held. Proxy mode has no sign-ins of ours: its listeners of onPersonSignedOut are
   * told instead, on every replica. Returns that now.
   */
  signOutPerson(user: string): number;
  /**
   * Called with each person an admin signed out everywhere whose sockets no session of ours holds
   * (proxy mode), on every replica, and when (`at`): a replica may hear of it late (it started, or
   * its store was away), when the proxy may have let the person in again since.
   */
  onPersonSignedOut(listener: (user: string, at: number) => void): void;
  /** The server is closing: the mode's timers stop. */
  close(): void;
}

export function refused(status: number, message: string, headers?: Record<string, string>): { refused: Refusal } {
  return { refused: { status, message, ...(headers ? { headers } : {}) } };
}
