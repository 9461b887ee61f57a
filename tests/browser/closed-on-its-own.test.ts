// A terminal closed on its own, past its person's --max-ended-per-person (docs/ui.md): its tab goes
// with a notice that says why, in the page's state, without a browser. A close someone asked for
// leaves no notice.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ServerMessage } from '../../src/protocol/index.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import type { Api } from '../../ui/protocol/http-client.ts';
import { tooManyEndedSentence } from '../../src/domain/live-sessions.ts';
import { Actions } from '../../ui/state/actions.ts';
import { initialState } from '../../ui/state/app-state.ts';
import { Store } from '../../ui/state/store.ts';
import { sessionRow } from '../support/session-row.ts';

function page() {
  let deliver: (message: ServerMessage) => void = () => {};
  const socket = { onMessage: (listener: typeof deliver) => ((deliver = listener), () => {}), onState: () => () => {} } as unknown as SocketClient;
  const store = new Store(initialState({ page: 'pods', namespace: 'default', pod: 'web' }));
  new Actions({ api: {} as Api, socket, store, history: { pushState: () => {}, replaceState: () => {} } });
  return { store, deliver: (message: ServerMessage) => deliver(message) };
}

test('closed past the ended limit: the tab goes, and a notice names it and says why', () => {
  const { store, deliver } = page();
  deliver({ type: 'session', session: sessionRow({ sessionId: 't1', state: 'exited' }) });
  deliver({ type: 'session', session: sessionRow({ sessionId: 't2', state: 'exited' }) });
  deliver({ type: 'sessionClosed', sessionId: 't1', because: 'tooManyEnded', message: tooManyEndedSentence(200) });
  assert.equal(store.get().sessions.order, ['t2']);
  assert.equal(
    store.get().notices.map(({ message, title }) => ({ message, title })),
    [{ message: 'Closed on its own: at most 200 ended terminals are kept per person, and this one had ended longest ago. Close the ended terminals you no longer need.', title: 'nginx: shell in web' }],
  );
  deliver({ type: 'sessionClosed', sessionId: 't2' });
  deliver({ type: 'sessionClosed', sessionId: 't9', because: 'tooManyEnded', message: tooManyEndedSentence(200) });
  assert.equal(store.get().sessions.order, []);
  assert.is(store.get().notices.length, 1, 'a close someone asked for, or of a terminal this page never had, says nothing');
});

test.run();
