// The audit trail in memory (and in each snapshot, and GET /audit) keeps about AUDIT_RECORDS_KEPT
// finished runs however long one terminal stays open: finished records are let go past a run still
// open (a `top` or `tail -f` kept busy for days), which stays and is still updated when it ends.
// Before, only the oldest records up to the first open run went, so one such terminal made the
// trail and every snapshot grow with history. The trail rebuilt from the log, or from a snapshot,
// is the one kept live; one from a snapshot written before (no pinned runs) folds on; and the
// export still writes every record, in the order the runs started.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import { auditRecords } from '../../src/events/audit-records.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { AUDIT_RECORDS_KEPT, auditTrail } from '../../src/events/projections/audit-trail.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { SystemState } from '../../src/runtime/system-snapshot.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('audit trail: bounded while a terminal stays open');

test('one long-lived terminal does not make the trail, or a snapshot, grow past the bound; its record still ends; rebuilt from the log or the snapshot it is the same', async () => {
  const store = new MemoryStore();
  const { system, adapter, clock } = makeSystem({ store, script: (s) => void s.open(), config: { maxLiveSessions: 64 } });
  system.exec(shellIn('top-pod'), ['nginx']); // t1: `top`, printing every few seconds: never idle
  await settle();
  const top = adapter.streams[0];
  for (let i = 0; i < AUDIT_RECORDS_KEPT * 1.5; i++) {
    system.exec(shellIn('web', ['nginx'], { command: { argv: ['hostname'] }, interactive: false }), ['nginx']);
    await settle();
    adapter.last().exit(0);
    system.closeAllEnded();
    clock.advanceBy(5_000);
    top.stdout('x');
  }
  assert.is(system.sessionList.byId.t1.state, 'interactive', 'top is still running');
  system.writeSnapshot();
  const state = store.snapshots()[0].load().state as SystemState;
  const records = state.projections.auditTrail.records;
  assert.ok(records.length <= AUDIT_RECORDS_KEPT * 1.1 + 1, `the snapshot's trail keeps ${records.length} records (bound ${AUDIT_RECORDS_KEPT})`);
  assert.equal(records[0].sessionId, 't1', 'the open run stays, first: the runs in the order they started');
  top.exit(0);
  assert.equal(system.auditTrail.records[0].outcome, { kind: 'exited', code: 0 }, "top's record ends when it does");
  const fromLog = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (s) => new VirtualClock(s), fromSnapshot: false });
  const fromSnapshot = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (s) => new VirtualClock(s) });
  assert.equal(fromLog.auditTrail, system.auditTrail, 'rebuilt from the whole log');
  assert.equal(fromSnapshot.auditTrail, system.auditTrail, 'rebuilt from the snapshot and the entries after it');
});

/** Run `n` of session `t<n>`: spawned at n, and ended at n + 1 unless it is in `open`. */
function runs(count: number, open: number[]): LogEntry[] {
  let seq = 0;
  const entry = (fields: object, time: number) => ({ ...fields, seq: ++seq, time }) as LogEntry;
  return Array.from({ length: count }, (_, n) => [
    entry({ type: 'session.spawned', sessionId: `t${n}`, requestId: `r${n}`, target: { namespace: 'default', pod: 'web', container: 'nginx' }, command: { shell: 'auto' }, interactive: true, requestedBy: 'ann', idleTimeoutMs: 300_000 }, n),
    ...(open.includes(n) ? [] : [entry({ type: 'session.exited', sessionId: `t${n}`, code: n }, n + 1)]),
  ]).flat();
}

test('finished records go past open ones, oldest first; an open one is still updated when it ends; the export keeps every record in order', () => {
  const keep = 10;
  const entries = runs(40, [2, 5, 30]);
  const trail = project(auditTrail(keep), entries);
  const ids = trail.records.map((r) => r.sessionId);
  assert.ok(trail.records.length <= keep + Math.ceil(keep / 10) + 2, `${trail.records.length} records`);
  assert.equal(ids.slice(0, 2), ['t2', 't5'], 'the open runs stay, before the rest');
  const rest = ids.slice(2).map((id) => Number(id!.slice(1)));
  assert.equal(rest, rest.toSorted((a, b) => a - b), 'the rest in the order they started');
  assert.ok(ids.includes('t39') && ids.includes('t30'));
  const seq = entries.length;
  const ended = project(auditTrail(keep), [...entries, { type: 'session.exited', sessionId: 't5', code: 55, seq: seq + 1, time: 100 } as LogEntry]);
  assert.equal(ended.records.find((r) => r.sessionId === 't5')?.outcome, { kind: 'exited', code: 55 });
  assert.is(ended.records.find((r) => r.sessionId === 't2')?.outcome, undefined, 'another open run is not touched');
  assert.equal([...auditRecords(entries)].map((r) => r.sessionId), entries.filter((e) => e.type === 'session.spawned').map((e) => (e as { sessionId: string }).sessionId));
});

test('a trail from a snapshot written before (no pinned runs) folds on', () => {
  const keep = 10;
  const entries = runs(40, [2]);
  const old = produce(project(auditTrail(Infinity), entries.slice(0, 8)), (draft) => void delete draft.pinned);
  const later = entries.slice(8);
  assert.equal(project({ ...auditTrail(keep), initial: () => old }, later), project(auditTrail(keep), entries));
});

test.run();
