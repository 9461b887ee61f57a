// CSRF for the team modes. A person's browser holds a credential that any page could make it send
// (the session cookie, or the proxy's own cookie in front of us), so a request that changes
// something must come from the octant-exec page itself:
// - when it carries an Origin, that Origin must be the app's own or a configured --embed-origin;
// - when it carries no Origin, Fetch Metadata must not say another site sent it
//   (Sec-Fetch-Site: cross-site or same-site).
// Browsers send at least one of the two with every POST, so a forged form or fetch is refused;
// clients that are not browsers send neither and are not a CSRF risk. Behind this stand the
// SameSite=Strict session cookie and, for API bodies, the JSON content type (a form cannot send it).
import type { IncomingMessage } from 'node:http';
import type { FrontDoor } from '../security.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why this request may not change anything, or undefined when it may (safe methods always may). */
export function crossSiteProblem(req: IncomingMessage, door: FrontDoor): string | undefined {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined) return door.originAllowed(origin) ? undefined : 'Requests from this Origin are not allowed: use the octant-exec page itself.';
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return undefined;
  return 'This request was sent by a page on another site: octant-exec takes changes only from its own page.';
}

/**
 * Whether a page of another site made the browser send this request (Fetch Metadata). An <img> or
 * a link sends a GET with no Origin, so a GET that runs something in a container (a download runs
 * tar) is refused when one says so, in every mode; clients that are not browsers send no such header.
 */
export function sentByAnotherSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
