// Restart and Close are buttons that go only once the socket brings the terminal's new row: over
// a slow link, a double click sent the same request twice, and the second came back refused
// ("Session t1 is still running; only an ended session can be restarted", logged as a refusal
// in the event log and the audit; "There is no open session" for a close), shown as a notice
// of a failure the person did not have. A request already on its way for that terminal is not
// sent again; once it is answered, the next click is a new request.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Actions } from '../../ui/state/actions.ts';
import { initialState } from '../../ui/state/app-state.ts';
import { Store } from '../../ui/state/store.ts';
import type { Api } from '../../ui/protocol/http-client.ts';
import { ApiError } from '../../ui/protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';

const test = suite('double click', { deadlineMs: 10_000 });

function page() {
  const calls: string[] = [];
  const pending: { id: string; answer: () => void }[] = [];
  const answered = (what: string, id: string) =>
    new Promise<never>((_, reject) => {
      calls.push(`${what} ${id}`);
      // the first is answered; any other one the server refuses, as it would
      pending.push({ id, answer: () => reject(new ApiError(409, `Session ${id} is still running; only an ended session can be restarted.`)) });
    });
  let first = true;
  const api = {
    restart: (id: string) => {
      if (!first) return answered('restart', id);
      first = false;
      calls.push(`restart ${id}`);
      return new Promise((resolve) => pending.push({ id, answer: () => resolve({ sessionId: id, run: 2 }) }));
    },
    close: (id: string) => {
      calls.push(`close ${id}`);
      return new Promise((resolve) => pending.push({ id, answer: () => resolve({ sessionId: id, closed: true }) }));
    },
  } as unknown as Api;
  const socket = { onMessage: () => () => {}, onState: () => () => {}, watchPods: () => {}, unwatchPods: () => {} } as unknown as SocketClient;
  const store = new Store(initialState({ page: 'terminals', namespace: 'default' }));
  const actions = new Actions({ api, socket, store, history: { pushState: () => {}, replaceState: () => {} } });
  const answerAll = () => pending.splice(0).forEach((p) => p.answer());
  return { actions, store, calls, answerAll };
}

test('a second Restart while the first is on its way is not sent: no refusal shown', async () => {
  const { actions, store, calls, answerAll } = page();
  const one = actions.restart('t1');
  const two = actions.restart('t1');
  answerAll();
  await Promise.all([one, two]);
  assert.equal(calls, ['restart t1'], 'one request');
  assert.equal(store.get().notices, [], 'no refusal for a click the first one answered');
});

test('a second Close while the first is on its way is not sent; once answered, a new one goes', async () => {
  const { actions, store, calls, answerAll } = page();
  const one = actions.close('t2');
  const two = actions.close('t2');
  answerAll();
  await Promise.all([one, two]);
  assert.equal(calls, ['close t2']);
  assert.equal(store.get().notices, []);
  const three = actions.close('t2');
  answerAll();
  await three;
  assert.equal(calls, ['close t2', 'close t2'], 'a later click is a request of its own');
});

test.run();
