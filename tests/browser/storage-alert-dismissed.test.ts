// The event log's storage alert (src/runtime/storage-alert.ts) always has id 0: it comes from no
// entry. Dismissed once, its id stayed in this browser tab's dismissed list (sessionStorage), so
// the next outage's alert, the one that says to free some space, was never shown again in that
// tab, not even after a reload. A dismissal is forgotten once its alert has left the server's
// list (any other id is an entry's seq and never comes back), in the tab's storage too.
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

const test = suite('storage alert dismissed', { deadlineMs: 10_000 });

const outage = (message: string): Alert => ({ id: 0, sessionId: '', kind: 'storage', message, at: 1 });
const timedOut: Alert = { id: 7, sessionId: 't1', kind: 'timedOut', message: 'timed out', at: 1 };

function page(storage: Storage) {
  let deliver: (message: ServerMessage) => void = () => {};
  const socket = { onMessage: (listener: typeof deliver) => ((deliver = listener), () => {}), onState: () => () => {} } as unknown as SocketClient;
  const store = new Store(initialState({ page: 'pods', namespace: 'default' }, readDismissed({ storage })));
  const actions = new Actions({ api: {} as Api, socket, store, storage, history: { pushState: () => {}, replaceState: () => {} } });
  return { store, actions, deliver: (message: ServerMessage) => deliver(message) };
}

test('a storage alert dismissed once does not hide the next outage, in this page or after a reload', () => {
  const storage = memoryStorage();
  const first = page(storage);
  first.deliver(hello({ alerts: [timedOut, outage('disk full')] }));
  first.actions.dismissAlert(0);
  first.actions.dismissAlert(7);
  assert.equal(visibleAlerts(first.store.get()), [], 'both dismissed');
  // the log is written again: the storage alert leaves the list
  first.deliver({ type: 'alerts', alerts: [timedOut] });
  // ... and later the disk fills up again
  first.deliver({ type: 'alerts', alerts: [timedOut, outage('disk full again')] });
  assert.equal(visibleAlerts(first.store.get()).map((a) => a.message), ['disk full again'], 'the new outage shows; the timeout stays dismissed');

  // a reload of the tab during the new outage, with the dismissal of the first in sessionStorage
  const storage2 = memoryStorage();
  const before = page(storage2);
  before.deliver(hello({ alerts: [outage('disk full')] }));
  before.actions.dismissAlert(0);
  before.deliver({ type: 'alerts', alerts: [] });
  const reloaded = page(storage2);
  reloaded.deliver(hello({ alerts: [outage('disk full again')] }));
  assert.equal(visibleAlerts(reloaded.store.get()).map((a) => a.message), ['disk full again'], 'the reload shows it too');
});

test('a dismissed alert still listed stays dismissed through a reconnect and a reload', () => {
  const storage = memoryStorage();
  const first = page(storage);
  first.deliver(hello({ alerts: [timedOut] }));
  first.actions.dismissAlert(7);
  first.deliver(hello({ alerts: [timedOut] }));
  assert.equal(visibleAlerts(first.store.get()), []);
  const reloaded = page(storage);
  reloaded.deliver(hello({ alerts: [timedOut] }));
  assert.equal(visibleAlerts(reloaded.store.get()), []);
});

test.run();
