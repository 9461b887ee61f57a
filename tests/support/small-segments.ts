// A stopped system's event log of 12 runs in several small segments (2 KiB each), for the tests of
// `log verify` and `log export` on a log that lost some of them.
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle, shellIn } from './system.ts';

/** The segments' names, in order; with `snapshot`, a snapshot is written before the stop. */
export async function smallSegments(dir: string, options: { snapshot?: boolean } = {}): Promise<string[]> {
  const adapter = new FakeExecAdapter((s) => void s.open());
  const system = ExecSystem.open({ adapter, store: new FileStore(dir, { segmentBytes: 2048 }), snapshots: false });
  for (let i = 0; i < 12; i++) {
    system.exec(shellIn('web'), ['nginx']);
    await settle();
    adapter.last().exit(0);
  }
  if (options.snapshot) system.writeSnapshot();
  await system.shutdown();
  const segments = readdirSync(join(dir, 'log')).filter((name) => name.endsWith('.jsonl')).sort();
  assert.ok(segments.length >= 4, `${segments.length} segments`);
  return segments;
}

/** The seq of a segment's first entry, from its name. */
export const seqOf = (segment: string) => Number(/events-(\d+)\.jsonl/.exec(segment)![1]);
