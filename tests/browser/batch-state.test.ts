// The batch parts of the page's state without a browser: the batch page's address, `batch`
// messages folded into the store (and the whole list from `hello`), the summary's words, the pod
// selection that belongs to one namespace.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { BatchRow } from '../../src/events/projections/batches.ts';
import { applyServerMessage, currentSelection, initialState, type AppState } from '../../ui/state/app-state.ts';
import { batchResultText, batchStopText, batchTotalsText, durationText } from '../../ui/state/batch-words.ts';
import { readRoute, routeUrl } from '../../ui/state/route.ts';
import { hello } from '../support/hello.ts';

const batch = (over: Partial<BatchRow> = {}): BatchRow => ({
  batchId: 'b1',
  argv: ['hostname'],
  requestedBy: 'me',
  concurrency: 8,
  state: 'running',
  startedAt: 1,
  results: [{ target: { namespace: 'batch', pod: 'worker-0', container: 'main' }, state: 'running', sessionId: 't1', startedAt: 1 }],
  totals: { succeeded: 0, failed: 0, skipped: 0 },
  ...over,
});

test('the batch page lives at /batches?id=…, with its selected tab', () => {
  const url = routeUrl({ page: 'batch', namespace: 'batch', batch: 'b3', tab: 't7' });
  assert.is(url, '/batches?id=b3&tab=t7');
  const [pathname, search] = url.split('?');
  const route = readRoute({ pathname, search: `?${search}` });
  assert.is(route.page, 'batch');
  assert.is(route.batch, 'b3');
  assert.is(route.tab, 't7');
  assert.is(readRoute({ pathname: '/', search: '?id=b3' }).batch, undefined, 'only the batch page reads an id');
  assert.is(routeUrl({ page: 'batch', namespace: 'default' }), '/batches');
});

test('hello brings every batch; a batch message adds or replaces one', () => {
  let state: AppState = initialState(readRoute({ pathname: '/', search: '' }));
  const apply = (message: Parameters<typeof applyServerMessage>[1]) => (state = { ...state, ...applyServerMessage(state, message) });
  apply(hello({ batches: [batch()] }));
  assert.equal(state.batches.order, ['b1']);
  apply({ type: 'batch', batch: batch({ state: 'done', totals: { succeeded: 1, failed: 0, skipped: 0 } }) });
  assert.equal(state.batches.order, ['b1']);
  assert.is(state.batches.byId.b1.state, 'done');
  apply({ type: 'batch', batch: batch({ batchId: 'b2' }) });
  assert.equal(state.batches.order, ['b1', 'b2']);
  apply(hello());
  assert.equal(state.batches.order, [], 'an older server without batches in hello');
});

test('a summary row in words: exit N, failed/skipped with the reason, running; totals; durations', () => {
  const target = { namespace: 'n', pod: 'p', container: 'c' };
  assert.equal(batchResultText({ target, state: 'exited', exitCode: 0 }), { text: 'exit 0', tone: 'done' });
  assert.equal(batchResultText({ target, state: 'exited', exitCode: 3 }), { text: 'exit 3', tone: 'bad' });
  assert.is(batchResultText({ target, state: 'failed', reason: 'shell missing' }).text, 'failed: shell missing');
  assert.is(batchResultText({ target, state: 'skipped', reason: 'waiting: CrashLoopBackOff' }).text, 'skipped: waiting: CrashLoopBackOff');
  assert.is(batchResultText({ target, state: 'running' }).text, 'running');
  assert.is(batchTotalsText(batch({ totals: { succeeded: 4, failed: 1, skipped: 2 } })), '4 succeeded, 1 failed, 2 skipped');
  assert.equal(batchResultText({ target, state: 'cancelled', sessionId: 't2' }), { text: 'cancelled while running', tone: 'warn' });
  assert.is(batchTotalsText(batch({ totals: { succeeded: 1, failed: 0, skipped: 0, cancelled: 1, notStarted: 4 } })), '1 succeeded, 0 failed, 0 skipped, 1 cancelled, 4 not started');
  assert.is(durationText(undefined), '—');
  assert.is(durationText(350), '350 ms');
  assert.is(durationText(1250), '1.3 s');
});

test('why a batch stopped, in words: a cancel by whom, a lost replica, the server stopping, a reason this page does not know', () => {
  assert.is(batchStopText({ because: 'cancelled', by: 'alice', at: 1 }), 'stopped by alice');
  assert.is(batchStopText({ because: 'cancelled', at: 1 }), 'stopped');
  assert.is(batchStopText({ because: 'replicaLost', at: 1 }), 'ended: the replica running it stopped answering');
  assert.is(batchStopText({ because: 'serverShutdown', at: 1 }), 'ended: the server running it stopped');
  assert.is(batchStopText({ because: 'somethingNewer' as 'cancelled', at: 1 }), 'ended: somethingNewer');
});

test('pods chosen in one namespace are not chosen in another', () => {
  const state = initialState(readRoute({ pathname: '/', search: '?namespace=batch' }));
  const chosen = { ...state, selection: { namespace: 'batch', pods: ['worker-0'], labelSelector: '' } };
  assert.equal(currentSelection(chosen).pods, ['worker-0']);
  assert.equal(currentSelection({ ...chosen, route: { ...chosen.route, namespace: 'default' } }).pods, []);
});

test.run();
