// A file transfer's progress bar without a browser: a fraction of a known total, the browser's
// animated bar only while one of unknown size still runs, and none once that one has ended.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { progressBar, type Transfer } from '../../ui/state/transfers.ts';

const transfer = (over: Partial<Transfer> = {}): Transfer => ({
  id: 1,
  kind: 'download',
  label: '/tmp/x',
  target: { namespace: 'default', pod: 'web', container: 'nginx' },
  loaded: 500,
  startedAt: 1,
  updatedAt: 2,
  state: 'running',
  ...over,
});

test('a transfer of known size shows how far it got, running or ended; a done one is full', () => {
  assert.is(progressBar(transfer({ total: 2000 })), 0.25);
  assert.is(progressBar(transfer({ total: 2000, state: 'failed' })), 0.25, 'where it stopped');
  assert.is(progressBar(transfer({ total: 2000, state: 'cancelled' })), 0.25);
  assert.is(progressBar(transfer({ state: 'done' })), 1, 'a directory that arrived whole');
});

test('a transfer of unknown size has the animated bar only while it runs: one that failed or was cancelled has none', () => {
  assert.is(progressBar(transfer()), 'unknown');
  assert.is(progressBar(transfer({ state: 'failed', message: 'no tar' })), undefined);
  assert.is(progressBar(transfer({ state: 'cancelled' })), undefined);
});

test.run();
