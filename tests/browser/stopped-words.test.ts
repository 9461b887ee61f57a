// What the page says of a batch an admin stopped, and of a terminal closed on its own: the run's
// panel (a tab of the batch page) and the batch page name the admin, as an admin-ended terminal's
// panel does; the owner's own cancel stays theirs. The Audit page says who stopped a batch's run,
// and that a terminal closed on its own for the ended-terminal limit (its owner did not close it).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { AuditRecord } from '../../src/protocol/index.ts';
import { badge } from '../../ui/state/app-state.ts';
import { outcomeText } from '../../ui/state/audit.ts';
import { batchStopText } from '../../ui/state/batch-words.ts';
import { sessionRow } from '../support/session-row.ts';

const alice = { user: 'alice', groups: ['dev'] };

test("a batch's run stopped by an admin: its panel names them; its owner's own cancel reads as before", () => {
  const run = (stoppedBy?: string) => badge(sessionRow({ state: 'stopped', stopReason: 'batchCancelled', requestId: 'b4', person: alice, ...(stoppedBy ? { stoppedBy } : {}) })).detail;
  assert.is(run('carol'), 'Its batch b4 was stopped by carol, an admin of octant-exec: the command was ended. Its output is kept.');
  assert.is(run('alice'), 'Its batch b4 was cancelled: the command was ended. Restart to run it again.');
  assert.is(run(), 'Its batch b4 was cancelled: the command was ended. Restart to run it again.', 'local mode names nobody');
});

test("the batch page's details line: stopped by an admin says so; by its owner, their name alone", () => {
  assert.is(batchStopText({ because: 'cancelled', by: 'carol', at: 1 }, 'alice'), 'stopped by carol, an admin of octant-exec');
  assert.is(batchStopText({ because: 'cancelled', by: 'alice', at: 1 }, 'alice'), 'stopped by alice');
  assert.is(batchStopText({ because: 'cancelled', at: 1 }, undefined), 'stopped');
});

const record = (over: Partial<AuditRecord>): AuditRecord => ({
  requestId: 'b4',
  sessionId: 't1',
  run: 1,
  who: 'alice',
  person: alice,
  target: { namespace: 'batch', pod: 'worker-0', container: 'main' },
  argv: ['sleep', '60'],
  interactive: false,
  startedAt: 1,
  endedAt: 2,
  outcome: { kind: 'exited', code: 0 },
  ...over,
});

test("the Audit page: who stopped a batch's run, and a terminal closed on its own", () => {
  assert.is(outcomeText(record({ outcome: { kind: 'stopped', because: 'batchCancelled', by: 'carol' } })), 'stopped: its batch was stopped by admin carol');
  assert.is(outcomeText(record({ outcome: { kind: 'stopped', because: 'batchCancelled', by: 'alice' } })), 'stopped: its batch was cancelled');
  assert.is(
    outcomeText(record({ outcome: { kind: 'exited', code: 3 }, closedOnItsOwn: { because: 'tooManyEnded', kept: 200, at: 3 } })),
    'exited 3, then closed on its own (at most 200 ended terminals are kept per person)',
  );
  assert.is(outcomeText(record({})), 'exited 0', 'closed by its owner (or not yet): how it ended alone');
});

test.run();
