// An admin's end of a terminal (docs/team-mode.md, "Offboarding") is an input of the log: a replay
// from the first entry ends the same run again, so the terminal is stopped, by the same admin, and
// nothing diverges (not left running, to be marked disconnected at the next start).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle } from '../support/system.ts';

const test = suite('an admin ends a terminal');

const alice = { user: 'alice', groups: ['dev'] };
const shell = { target: { namespace: 'batch', pod: 'worker-0', containers: ['main'] }, command: { argv: ['sh'] }, interactive: true, requestedBy: 'alice', person: alice };

test('ended by an admin: stopped, saying who, in the list and the audit trail; the log replays it exactly', async () => {
  const store = new MemoryStore();
  const system = ExecSystem.open({ adapter: new FakeExecAdapter((s) => void s.open()), store, clock: (start) => new VirtualClock(start), snapshots: false });
  const started = system.exec(shell, ['main']);
  assert.ok('sessionIds' in started);
  await settle();
  assert.ok(system.endByAdmin('t1', 'carol'));
  assert.not.ok(system.endByAdmin('t1', 'carol'), 'an ended run is not ended again');
  const row = system.sessionList.byId.t1;
  assert.equal([row.state, row.stopReason, row.stoppedBy], ['stopped', 'endedByAdmin', 'carol']);
  assert.equal(system.auditTrail.records.at(-1)?.outcome, { kind: 'stopped', because: 'endedByAdmin', by: 'carol' });
  await system.shutdown();
  const replayed = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (start) => new VirtualClock(start), fromSnapshot: false });
  assert.is(replayed.replayReport.divergence, undefined);
  const again = replayed.sessionList.byId.t1;
  assert.equal([again.state, again.stopReason, again.stoppedBy], ['stopped', 'endedByAdmin', 'carol']);
});

test.run();
