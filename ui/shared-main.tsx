// The shared page's start (main.tsx hands /share here): reads the share's id and, for a local
// link, its one-time secret from the fragment, removes the secret from the address bar at once,
// trades it for the cookie that lets this browser (and no other) in, asks what the share shows,
// and renders views/shared-page.tsx with a screen of its own (terminal/shared-screen.ts).
import { render } from 'preact';
import type { SharedReply } from '../src/protocol/index.ts';
import { api, ApiError } from './protocol/http-client.ts';
import { SharedScreen } from './terminal/shared-screen.ts';
import { SharedPage } from './views/shared-page.tsx';

export function startSharedPage(root: HTMLElement): void {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const id = fragment.get('id') ?? new URLSearchParams(location.search).get('id') ?? undefined;
  const secret = fragment.get('s') ?? undefined;
  // The secret must not stay in the address bar, the history or a bookmark; the id may (a reload needs it).
  history.replaceState(null, '', id ? `/share?id=${encodeURIComponent(id)}` : '/share');
  // after a failed reconnect: go on only while the share still lets this page in
  const mayRetry = (shareId: string) => () =>
    api.shared(shareId).then(
      () => true,
      (error: unknown) => !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    );
  root.textContent = '';
  render(<SharedPage opening={openShare(id, secret)} screenFor={(shared, events) => new SharedScreen(shared, events, mayRetry(shared.shareId))} />, root);
}

async function openShare(id: string | undefined, secret: string | undefined): Promise<SharedReply> {
  if (id && secret) {
    try {
      await api.shareSignIn(id, secret);
    } catch (error) {
      // 503: the cookie was given, the claim not logged yet (the log does not answer): it may be soon
      if (error instanceof ApiError && error.status === 503) return sharedOnceLogged(id).catch(() => Promise.reject(error));
      // this browser may have opened the link before (a reload that kept the fragment): its cookie still lets it in
      return api.shared(id).catch(() => Promise.reject(error));
    }
    return sharedOnceLogged(id);
  }
  return api.shared(id);
}

/** how often, and how long apart (growing), the shared view is asked again after a 401 */
const CLAIM_TRIES = 6;
const CLAIM_TRY_MS = 200;

/**
 * The shared view, just after the sign-in gave this browser its cookie. With replicas behind one
 * address, this request may reach one that has not yet read the claim the sign-in logged: it
 * answers 401 for a moment. Asked again a few times (a reload would work, but the link's secret
 * has left the address bar, and the page must not say the link is no longer valid).
 */
async function sharedOnceLogged(id: string): Promise<SharedReply> {
  for (let tries = 1; ; tries++) {
    try {
      return await api.shared(id);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401) || tries >= CLAIM_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, CLAIM_TRY_MS * tries));
    }
  }
}
