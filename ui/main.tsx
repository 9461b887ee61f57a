// The entry point: a share link's page (views/shared-page.tsx) has a start of its own. Otherwise it reads the token from the URL fragment (and removes it at once), builds the
// protocol clients, the store and the terminal layer, wires them, and renders the views.
import '@xterm/xterm/css/xterm.css';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import './styles.css';
import { render } from 'preact';
import { api, ApiError } from './protocol/http-client.ts';
import { SocketClient } from '../src/protocol/socket-client.ts';
import { fragmentToken } from '../src/protocol/token-fragment.ts';
import { Actions } from './state/actions.ts';
import { readDismissed } from './state/dismissed-alerts.ts';
import { initialState } from './state/app-state.ts';
import { readPreferences } from './state/preferences.ts';
import { InspectorFeed } from './state/inspector-feed.ts';
import { readRoute, routeUrl } from './state/route.ts';
import { Store } from './state/store.ts';
import { TerminalManager } from './terminal/terminal-manager.ts';
import { TransferActions } from './state/transfer-actions.ts';
import { ShareActions } from './state/share-actions.ts';
import { download } from './views/format.ts';
import { App } from './views/app.tsx';
import { Services } from './views/context.ts';
import { startSharedPage } from './shared-main.tsx';
import { browserStorage } from './state/browser-storage.ts';

if (location.pathname === '/share') startSharedPage(document.getElementById('app')!);
else startApp();

function startApp(): void {
  const storage = browserStorage('sessionStorage');
  const preferenceStorage = browserStorage('localStorage');
  const token = fragmentToken(location.hash);
  const route = readRoute(location, storage);
  // The token must not stay in the address bar, the history or a bookmark.
  history.replaceState(null, '', routeUrl(route));

  const store = new Store(initialState(route, readDismissed({ storage, preferenceStorage }), readPreferences(preferenceStorage)));
  const socket = new SocketClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`,
    // After a failed reconnect, ask the API whether we are still signed in (a restarted server is not).
    mayRetry: async () => {
      try {
        await api.info();
        return true;
      } catch (error) {
        return !(error instanceof ApiError && error.status === 401);
      }
    },
  });
  const actions = new Actions({ api, socket, store, history, storage, preferenceStorage });
  const terminals = new TerminalManager(store, socket, { zoom: (step) => actions.zoom(step), notify: (message, title) => actions.notify(message, title) });
  const inspector = new InspectorFeed(api, socket);
  const transfers = new TransferActions(store, api, (name, blob) => download(name, blob));
  window.addEventListener('popstate', () => actions.routeChanged(readRoute(location, storage)));

  const root = document.getElementById('app')!;
  root.textContent = ''; // the "Loading…" line of index.html
  render(
    <Services.Provider value={{ store, actions, terminals, inspector, transfers, shares: new ShareActions(api, socket) }}>
      <App />
    </Services.Provider>,
    root,
  );
  void actions.start(token);
}
