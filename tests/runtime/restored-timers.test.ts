// Timers across a snapshot (xstate does not re-arm `after` timers on restore: issue 5331): an
// ended terminal restored and then restarted arms its idle timeout again, and idle timeouts
// (the server's and an exec's own) that fell due in the tail after a snapshot taken while the
// terminals were live are derived again by a start, with no divergence.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FileStore } from '../../src/events/file-store.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('timers of a terminal restored from a snapshot', { deadlineMs: 20_000 });

test('an ended terminal restored and restarted still times out when idle', () =>
  withTempDir(async (dir) => {
    const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
    first.system.exec(shellIn('web'), ['nginx']);
    await settle();
    first.adapter.streams[0].exit(0);
    first.clock.advanceBy(1_000);
    assert.ok(first.system.writeSnapshot());
    const second = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
    assert.ok(second.system.replayReport.snapshot, 'started from the snapshot');
    second.system.restart('t1');
    await settle();
    assert.is(second.system.sessionList.byId.t1.state, 'interactive');
    second.clock.advanceBy(301_000);
    assert.is(second.system.sessionList.byId.t1.state, 'timedOut');
  }));

test('a terminal live at the snapshot times out in the tail, and a start derives that again', () =>
  withTempDir(async (dir) => {
    const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
    first.system.exec(shellIn('web'), ['nginx']);
    first.system.exec({ ...shellIn('web'), idleTimeoutMs: 90_000 }, ['nginx']);
    await settle();
    first.clock.advanceBy(30_000);
    first.adapter.streams[0].stdout('x');
    first.clock.advanceBy(30_000);
    first.adapter.streams[1].stdout('y');
    first.clock.advanceBy(10_000);
    assert.ok(first.system.writeSnapshot());
    first.clock.advanceBy(400_000);
    first.system.resize('t1', 90, 20);
    const live = first.system.entries().filter((e) => e.type === 'session.timedOut').map((e) => [e.sessionId, e.time]);
    assert.is(live.length, 2);
    const warnings: string[] = [];
    const second = makeSystem({ store: new FileStore(dir), warnings });
    assert.ok(second.system.replayReport.snapshot);
    assert.equal(warnings, []);
    assert.equal(second.system.sessionList.byId.t1.state, 'timedOut');
    assert.equal(second.system.sessionList.byId.t2.state, 'timedOut');
  }));

test.run();
