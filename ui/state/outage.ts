// What the page can tell of a socket that is down, for its banner. Most drops are passing (a
// proxy's idle cut, a laptop waking up) and the page reconnects by itself; but a server stopped on
// purpose ends this page's terminals first (serverShutdown, pushed just before its socket closes),
// and a server started again on another port never answers at this address: saying "reconnecting…"
// for ever would hide that the person has to start it and open the URL it prints.
// In a team mode the page says less: several replicas may serve its address (a rolling update
// stops one after another, and a stopped one's terminals reach every replica's pages), so a
// terminal ended by serverShutdown just before a drop says nothing of this page's server; and
// nobody there sees a printed URL (people open the team's address and sign in).
import type { ServerMessage } from '../../src/protocol/index.ts';
import type { ConnectionState } from '../../src/protocol/socket-client.ts';
import { SIGNED_OUT_BY_ADMIN } from '../../src/protocol/close-reasons.ts';

export interface Outage {
  /** when the server last ended a terminal of this page because it was stopping (the page's clock) */
  stoppingAt?: number;
  /** when the socket went down (the page's clock); absent while it is still up */
  since?: number;
}

/**
 * How soon after a terminal ended with serverShutdown the socket must drop for the page to say the
 * server stopped: its own server closes the socket right after (one turn of its event loop), while
 * another replica's stop reaches this page's list without taking its socket along.
 */
const STOPPING_CLOSES_WITHIN_MS = 10_000;

/** How long a reconnect may go unanswered before the page says the server seems to have stopped: the socket's backoff (up to 8 s) has tried several times by then. */
export const SILENT_FOR_MS = 30_000;

/** The outage after a server message: a terminal turning disconnected with serverShutdown says the server is going. */
export function outageAfterMessage(outage: Outage | undefined, message: ServerMessage, now: number): { outage: Outage } | undefined {
  if (message.type !== 'session' || outage?.since !== undefined) return undefined;
  const row = message.session;
  return row.state === 'disconnected' && row.disconnectReason === 'serverShutdown' ? { outage: { stoppingAt: now } } : undefined;
}

/** The outage after the socket's state changed: it starts when the socket goes down, and ends when a server says hello again. */
export function outageAfterConnection(outage: Outage | undefined, connection: ConnectionState, now: number): { outage: Outage | undefined } | undefined {
  if (connection === 'open') return outage ? { outage: undefined } : undefined;
  if (connection === 'reconnecting' && outage?.since === undefined) return { outage: { ...outage, since: now } };
  return undefined;
}

/** The banner's words while the page reconnects, and whether they say the server stopped; `team`: the server is in a team mode (GET /info's `signedIn`). */
export function outageWords(outage: Outage | undefined, now: number, team: boolean): { text: string; stopped: boolean } {
  const { stoppingAt, since } = outage ?? {};
  if (!team && since !== undefined && stoppingAt !== undefined && since - stoppingAt <= STOPPING_CLOSES_WITHIN_MS) {
    return { text: 'octant-exec was stopped, and its terminals ended with it. When it is started again, open the URL it prints.', stopped: true };
  }
  if (since !== undefined && now - since >= SILENT_FOR_MS) {
    const silent = `octant-exec has not answered for ${SILENT_FOR_MS / 1000} seconds: it seems to have stopped`;
    return { text: team ? `${silent}. Reload this page once it is back.` : `${silent} (or to run at another address now). When it is started again, open the URL it prints.`, stopped: true };
  }
  return { text: 'Connection to octant-exec lost: reconnecting… Terminals keep running on the server unless it was stopped.', stopped: false };
}

/**
 * The banner's words once octant-exec no longer takes the page (the socket's `signedOut`), and
 * whether to offer signing in again (a team mode: a reload signs in at the identity provider; in
 * local mode the token is in the URL it printed). `because`: the server's reason for closing the
 * socket, which says when an admin signed the person out everywhere (docs/team-mode.md, "Offboarding").
 */
export function signedOutWords(team: boolean, because: string | undefined): { text: string; signInAgain: boolean } {
  if (!team) return { text: 'octant-exec no longer accepts this page (was it restarted?): open the URL it printed.', signInAgain: false };
  if (because === SIGNED_OUT_BY_ADMIN) return { text: 'An administrator of octant-exec signed you out: this page no longer reaches your terminals.', signInAgain: true };
  return { text: 'Your sign-in has ended (signed out, expired, or octant-exec restarted): this page no longer reaches your terminals.', signInAgain: true };
}

/**
 * Why the buttons that ask the server for something (Shell, Exec, Restart, …) are off while the
 * socket is down or the server no longer takes this page, or undefined when it is up: each would
 * only fail with an alert of its own, beside the banner that already says why.
 */
export function offReason(connection: ConnectionState): string | undefined {
  if (connection === 'reconnecting') return 'octant-exec cannot be reached right now: this comes back once it answers again.';
  if (connection === 'signedOut') return 'octant-exec no longer takes this page: the banner at the top says how to get back in.';
  return undefined;
}
