// `log export` writes what GET /audit says of a terminal closed on its own (--max-ended-per-person):
// `closedOnItsOwn` on its last run's record, though the close came thousands of entries after the
// run ended, when the export had written that record out already (its first read of the log notes
// the close: src/events/audit-records.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { auditRecordsOfTwoReads } from '../../src/events/audit-records.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { AuditRecord } from '../../src/events/projections/audit-trail.ts';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';

let seq = 0;
const entry = (fields: Record<string, unknown>) => ({ seq: ++seq, time: 1_000 + seq, ...fields }) as unknown as LogEntry;
const target = { namespace: 'batch', pod: 'worker-0', container: 'main' };
const alice = { user: 'alice', groups: [] };

test('the export has closedOnItsOwn on the last run of a terminal closed on its own long after it ended', () =>
  withTempDir(async (dir) => {
    const log = [
      entry({ type: 'session.spawned', sessionId: 't1', requestId: 'r1', target, command: { argv: ['echo'] }, interactive: false, requestedBy: 'alice', person: alice }),
      entry({ type: 'session.exited', sessionId: 't1', code: 0 }),
      entry({ type: 'session.spawned', sessionId: 't2', requestId: 'r2', target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', person: alice }),
    ];
    for (let i = 0; i < 1_200; i++) log.push(entry({ type: 'session.resized', sessionId: 't2', cols: 80 + (i % 2), rows: 24 }));
    const close = entry({ type: 'session.closed', sessionId: 't1', because: 'tooManyEnded', kept: 200 });
    const store = new FileStore(dir);
    store.appendAll([...log, close]);
    store.close();

    const exported = await runCli(['log', 'export', '--state-dir', dir]);
    assert.is(exported.code, 0, exported.stderr);
    const records: AuditRecord[] = exported.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(records.map((r) => [r.sessionId, r.closedOnItsOwn]), [['t1', { because: 'tooManyEnded', kept: 200, at: close.time }], ['t2', undefined]]);
  }));

test('a running server writes on between the two reads: the export is the trail of the log as the first read saw it', () => {
  const log = [
    entry({ type: 'session.spawned', sessionId: 't3', requestId: 'r3', target, command: { argv: ['echo'] }, interactive: false, requestedBy: 'alice', person: alice }),
    entry({ type: 'session.exited', sessionId: 't3', code: 0 }),
    entry({ type: 'session.spawned', sessionId: 't4', requestId: 'r4', target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', person: alice }),
  ];
  for (let i = 0; i < 1_200; i++) log.push(entry({ type: 'session.resized', sessionId: 't4', cols: 80 + (i % 2), rows: 24 }));
  // written after the first read: the close of t3 (its record out before the second read gets there), and a new terminal
  const later = [
    entry({ type: 'session.closed', sessionId: 't3', because: 'tooManyEnded', kept: 200 }),
    entry({ type: 'session.spawned', sessionId: 't5', requestId: 'r5', target, command: { argv: ['date'] }, interactive: false, requestedBy: 'alice', person: alice }),
  ];
  const exported = [...auditRecordsOfTwoReads(log, [...log, ...later])];
  assert.equal(exported, project(auditTrail(Infinity), log).records);
});

test.run();
