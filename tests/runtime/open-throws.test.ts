// An ExecAdapter is a library seam (other dashboards bring their own): one whose open() throws
// at once, instead of reporting `ended`, must fail that terminal with a sentence, not take the
// supervisor, and every later exec, down with it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import type { ExecAdapter } from '../../src/adapters/exec.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle, shellIn, t0 } from '../support/system.ts';

const test = suite('an adapter whose open() throws', { deadlineMs: 20_000 });

test('the terminal fails with the error, and the next exec still runs', async () => {
  const fake = new FakeExecAdapter((stream) => void stream.open());
  let throws = true;
  const adapter: ExecAdapter = {
    open(request, listener) {
      if (throws) throw new Error('no credentials for this context');
      return fake.open(request, listener);
    },
  };
  const system = ExecSystem.open({ adapter, store: new MemoryStore(), clock: (start) => new VirtualClock(Math.max(start, t0)), warn: () => {} });
  const first = system.exec(shellIn('web', ['nginx'], { command: { shell: 'bash' } }), ['nginx']);
  assert.ok('sessionIds' in first);
  await settle();
  const row = system.sessionList.byId.t1;
  assert.is(row.state, 'failed');
  assert.match(String(row.failure?.message), /no credentials for this context/);
  throws = false;
  const second = system.exec(shellIn('web'), ['nginx']);
  assert.ok('sessionIds' in second, 'the system still takes exec actions');
  await settle();
  assert.is(system.sessionList.byId.t2.state, 'interactive');
  const again = system.restart('t1');
  assert.ok(again && 'run' in again, 'the failed terminal can be restarted');
  await settle();
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  await system.shutdown();
});

test.run();
