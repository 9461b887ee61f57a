// An alert on a batch alone (an admin stopped the batch while none of its commands ran) has no
// terminal whose close or restart retires it: the server lists it until 200 newer ones push it
// out. Dismissed in one tab, it came back in every new tab for weeks (dismissals were the tab's
// alone). Its dismissal is now the browser's (localStorage), shared by every tab, gathered from
// them all, and forgotten once the server no longer lists it; a terminal's alert stays the tab's.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Alert, ServerMessage } from '../../src/protocol/index.ts';
import { Actions } from '../../ui/state/actions.ts';
import { readDismissed } from '../../ui/state/dismissed-alerts.ts';
import { initialState, visibleAlerts } from '../../ui/state/app-state.ts';
import { Store } from '../../ui/state/store.ts';
import type { Api } from '../../ui/protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import { hello } from '../support/hello.ts';
import { memoryStorage } from '../support/memory-storage.ts';

const test = suite('batch alert dismissed', { deadlineMs: 10_000 });

const onBatch = (id: number): Alert => ({ id, sessionId: '', batchId: `b${id}`, kind: 'ended', message: `Batch b${id} was stopped by carol`, at: 1 });
const timedOut: Alert = { id: 7, sessionId: 't1', kind: 'timedOut', message: 'timed out', at: 1 };

/** A tab of the page: its own sessionStorage, the browser's localStorage. */
function tab(preferenceStorage: Storage, alerts: Alert[]) {
  let deliver: (message: ServerMessage) => void = () => {};
  const socket = { onMessage: (listener: typeof deliver) => ((deliver = listener), () => {}), onState: () => () => {} } as unknown as SocketClient;
  const storage = memoryStorage();
  const store = new Store(initialState({ page: 'pods', namespace: 'default' }, readDismissed({ storage, preferenceStorage })));
  const actions = new Actions({ api: {} as Api, socket, store, storage, preferenceStorage, history: { pushState: () => {}, replaceState: () => {} } });
  deliver(hello({ alerts }));
  return { store, actions, deliver: (message: ServerMessage) => deliver(message), shown: () => visibleAlerts(store.get()).map((a) => a.id) };
}

test('dismissed in one tab, an alert on a batch alone stays dismissed in a new tab; a terminal\'s alert is the tab\'s', () => {
  const browser = memoryStorage();
  const first = tab(browser, [timedOut, onBatch(8)]);
  first.actions.dismissAlert(8);
  first.actions.dismissAlert(7);
  assert.equal(first.shown(), []);
  assert.equal(tab(browser, [timedOut, onBatch(8)]).shown(), [7], 'the new tab shows the terminal\'s alert (its close or restart retires it), not the batch\'s');
});

test('two tabs open at once each dismiss one: a new tab hides both', () => {
  const browser = memoryStorage();
  const alerts = [onBatch(8), onBatch(9)];
  const one = tab(browser, alerts);
  const other = tab(browser, alerts);
  one.actions.dismissAlert(8);
  other.actions.dismissAlert(9);
  assert.equal(tab(browser, alerts).shown(), []);
});

test('once the server no longer lists it, its dismissal is forgotten in the browser too', () => {
  const browser = memoryStorage();
  const first = tab(browser, [onBatch(8), onBatch(9)]);
  first.actions.dismissAlert(8);
  first.actions.dismissAlert(9);
  first.deliver({ type: 'alerts', alerts: [onBatch(9)] });
  assert.equal(readDismissed({ preferenceStorage: browser }), [9]);
});

test('a tab whose list is stale (socket down since before the alert) keeps the other tabs\' dismissals when it dismisses', () => {
  const browser = memoryStorage();
  const current = tab(browser, [timedOut, onBatch(8)]);
  const stale = tab(browser, [timedOut]);
  current.actions.dismissAlert(8);
  stale.actions.dismissAlert(7);
  assert.equal(tab(browser, [timedOut, onBatch(8)]).shown(), [7]);
});

test.run();
