// A listener of the log's entries that issues a command as it hears one (recorder.ts asks for a
// terminal's recording so): the command's step is folded after the step it heard of, whole, so the
// listeners and the projections see the log in its order, and the live session list is what a
// replay of the same log rebuilds.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { MemoryStore } from '../../src/events/store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('a command from an entry listener');

test("its step is folded after the one being folded: entries in the log's order, and the live row is the replay's", async () => {
  const store = new MemoryStore();
  const { system } = makeSystem({ store, script: (s) => void s.open() });
  const seen: number[] = [];
  let asked = false;
  system.onEntry((entry) => {
    seen.push(entry.seq);
    if (entry.type === 'exec.requested' && !asked) {
      asked = true;
      system.recording({ type: 'recording.wanted', sessionId: entry.sessionIds[0], on: true });
    }
  });
  const { sessionIds } = system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] };
  await settle();
  assert.ok(seen.length >= 4, `${seen.length} entries`);
  assert.equal(seen, [...seen].sort((a, b) => a - b), `in the log's order: ${seen.join(' ')}`);
  const live = system.sessionList.byId[sessionIds[0]];
  assert.is(live.recordWanted, true);
  const replayed = ExecSystem.replayOnly({ adapter: { open: () => { throw new Error('replay opens nothing'); } } as never, store, warn: () => {} });
  assert.equal(replayed.sessionList.byId[sessionIds[0]], live);
});

test.run();
