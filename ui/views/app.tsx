// The page: top bar (not on the embed page), alerts, and the screen the route names (the embed
// page: its pod view, or the Terminals page within it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { outageWords, signedOutWords, SILENT_FOR_MS } from '../state/outage.ts';
import { routeUrl } from '../state/route.ts';
import { pageTitle } from '../state/page-title.ts';
import { preferencesStoredElsewhere } from '../state/preferences.ts';
import { signedIn } from '../state/team.ts';
import { useAppState, useServices } from './context.ts';
import { mainHeading } from './focus-after-removal.ts';
import { Alerts } from './alerts.tsx';
import { AuditPage } from './audit-page.tsx';
import { BatchPage } from './batch-page.tsx';
import { Inspector } from './inspector.tsx';
import { PodList } from './pod-list.tsx';
import { PodView } from './pod-view.tsx';
import { RecordingsPage } from './recordings-page.tsx';
import { TerminalsPage } from './terminals-page.tsx';
import { TokenSignIn } from './token-sign-in.tsx';
import { TopBar } from './top-bar.tsx';

export function App() {
  const state = useAppState();
  const { route } = state;
  const title = pageTitle(route);
  const loaded = useRef(false);
  const { actions } = useServices();
  // the settings are this browser's: one changed in another page of it holds here too
  useEffect(() => {
    const follow = (event: StorageEvent) => {
      const stored = preferencesStoredElsewhere(event);
      if (stored) actions.setPreferences(stored, true);
    };
    addEventListener('storage', follow);
    return () => removeEventListener('storage', follow);
  }, []);
  useEffect(() => {
    document.title = title;
    // a load starts at the top of the page, as any page's does (and in Octant's frame takes no focus)
    if (!loaded.current) return void (loaded.current = true);
    // a view changed under the focused control (a pod link, a row's Close): its heading takes focus, so
    // the next Tab starts there and a screen reader says where it is, not at the top of the page
    if (document.activeElement === document.body || document.activeElement === null) mainHeading()?.focus();
  }, [title]);
  if (state.auth.state === 'failed') {
    return (
      <main class="page signed-out">
        <h1>octant-exec</h1>
        {/* a new element each attempt: a screen reader announces an alert as it appears, not a text that stays the same */}
        <p role="alert" class="error" key={state.auth.attempt}>
          {state.auth.message}
        </p>
        {state.auth.tokenField && <TokenSignIn />}
      </main>
    );
  }
  const embed = route.page === 'embed';
  return (
    <div class={embed ? 'app embed' : 'app'}>
      {!embed && <TopBar />}
      {state.info?.sandboxIsolation === 'none' && (
        <p class="banner error" role="alert">
          Sandbox containers are not isolated (--sandbox-unisolated): a shell in one runs as you on this machine and can read and change your files.
        </p>
      )}
      {state.connection === 'reconnecting' && <ReconnectBanner />}
      {state.connection === 'signedOut' && <SignedOutBanner />}
      <Alerts />
      <main>
        {route.page === 'pods' && (route.pod ? <PodView /> : <PodList />)}
        {route.page === 'terminals' && <TerminalsPage />}
        {route.page === 'batch' && <BatchPage />}
        {route.page === 'inspector' && <Inspector />}
        {route.page === 'audit' && <AuditPage />}
        {route.page === 'recordings' && <RecordingsPage />}
        {embed && (route.view === 'terminals' ? <TerminalsPage embed /> : route.pod ? <PodView embed /> : <p class="error">The embed page needs ?namespace=…&pod=… in its address.</p>)}
      </main>
    </div>
  );
}

/** The banner while the socket reconnects: it says when the server stopped, at once (local mode) or once it has not answered for long (state/outage.ts). */
function ReconnectBanner() {
  const state = useAppState();
  const { outage } = state;
  const [, redraw] = useState(0);
  // nothing else happens on the page while the server is gone: the words change at their time
  useEffect(() => {
    if (outage?.since === undefined) return;
    const timer = setTimeout(() => redraw((n) => n + 1), outage.since + SILENT_FOR_MS - Date.now());
    return () => clearTimeout(timer);
  }, [outage?.since]);
  const words = outageWords(outage, Date.now(), signedIn(state) !== null);
  return (
    // one element throughout, so a screen reader hears its words change
    <p class={words.stopped ? 'banner error' : 'banner'} role="status">
      {words.text}
    </p>
  );
}

/** The banner once octant-exec no longer takes the page: why, when the server said (an admin signed the person out), and in a team mode a way to sign in again. */
function SignedOutBanner() {
  const state = useAppState();
  const words = signedOutWords(!!state.info?.signedIn, state.signedOutBecause);
  return (
    <p class="banner error" role="alert">
      {words.text}
      {/* this address again: the server sends a page not signed in to the sign-in, and back here after it */}
      {words.signInAgain && (
        <>
          {' '}
          <a href={routeUrl(state.route)}>Sign in again</a>
        </>
      )}
    </p>
  );
}
