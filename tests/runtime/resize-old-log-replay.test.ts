// A log holds session.resized entries of the size the terminal already had (a page sends its size
// on every attach). Replay feeds each back as a RESIZE and the matcher expects the machine to
// derive it again: a guard dropping same-size resizes in the machine made such logs diverge.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a same-size resize in an older log', { deadlineMs: 30_000 });

test('an older log with a same-size session.resized replays without a divergence', () => withTempDir(async (dir) => {
  const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
  first.system.exec(shellIn('web'), ['nginx']);
  await settle();
  first.system.resize('t1', 100, 30);
  const last = first.system.entries().at(-1)!;
  assert.is(last.type, 'session.resized');
  first.store.close(); // the process stops
  // what the code before the guard logged for the page's next attach: the same size again
  appendFileSync(listSegments(dir).at(-1)!.path, JSON.stringify({ ...last, seq: last.seq + 1 }) + '\n');
  const warnings: string[] = [];
  const second = makeSystem({ store: new FileStore(dir), warnings });
  assert.is(second.system.replayReport.divergence, undefined, 'the log replays as it ran');
  assert.equal(warnings.filter((w) => w.includes('diverged')), []);
  second.system.shutdown();
}));

test.run();
