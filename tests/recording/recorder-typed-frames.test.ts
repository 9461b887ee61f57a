// --record-input holds what is typed before a recording's first byte (opening.ts). Held a frame
// each, a key a frame into a program that prints nothing (stty -echo; cat) kept an object a key
// until the first byte, ~270 B a byte under a bound of 1 MiB of bytes (helper-209). Keys in a row
// are one input event now, at the first key's time; and a run without a terminal, never
// recorded, holds nothing.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import type { VirtualClock } from '../../src/runtime/clock.ts';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('keys typed a byte a frame before a recording begins', { deadlineMs: 60_000 });
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const live = () => {
  collect();
  const { heapUsed, external } = process.memoryUsage(); // external: Buffers' bytes too, on both runtimes
  return heapUsed + external;
};

function recordedSystem(dir: string) {
  const made = makeSystem();
  const recorder = new Recorder(made.system, new FileRecordings(dir), { mode: 'all', input: true, maxBytes: 1 << 30 }, () => {}, () => made.system.clock.now());
  return { ...made, recorder };
}

test('a key a frame into a silent program: one input event, at the first key, then what it printed', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = recordedSystem(dir);
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const stream = adapter.last().open();
    await settle();
    for (let i = 0; i < 20_000; i++) {
      system.io.input(id, Uint8Array.of(0x61 + (i % 26)));
      if (i === 0) (system.clock as VirtualClock).advanceBy(1500); // the rest come later: the event is at the first
    }
    await settle();
    stream.stdout('$ ');
    stream.exit(0);
    await recorder.close();
    const [name] = readdirSync(dir);
    const [, ...events] = gunzipSync(readFileSync(join(dir, name))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    const typed = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(0x61 + (i % 26))).join('');
    assert.equal(events.map(([, kind, data]) => [kind, data]), [['i', typed], ['o', '$ ']], 'the keys in a row, one event');
    assert.ok(events[0][0] < 1, `at the first key (${events[0][0]} s in), not the last (1.5 s after it)`);
    await system.shutdown();
  }));

test('held by bytes, not by frames: a million one-byte keys into a silent terminal, and into a run without one (which holds none)', () =>
  withTempDir(async (dir) => {
    const { system, adapter, recorder } = recordedSystem(dir);
    for (const interactive of [true, false]) {
      const [id] = (system.exec(shellIn('web', ['nginx'], { interactive, command: { argv: ['sh', '-c', 'stty -echo; exec cat >/dev/null'] } }), ['nginx']) as { sessionIds: string[] }).sessionIds;
      const stream = adapter.last().open();
      await settle();
      const key = Uint8Array.of(0x61);
      const before = live();
      for (let i = 0; i < 1_000_000; i++) system.io.input(id, key);
      await settle();
      assert.is(stream.written.reduce((sum, chunk) => sum + chunk.length, 0), 1_000_000, 'every key reached the program');
      stream.written.splice(0); // the stand-in program's copy of what it read: not what is measured
      const grew = live() - before;
      // held a frame each: ~270 MB; joined: the bytes (1 MB), doubled at most; without a terminal, none
      assert.ok(grew < (interactive ? 4e6 : 512e3), `${interactive ? 'a terminal' : 'a run without one'}: held ${(grew / 1e6).toFixed(2)} MB for a million bytes typed`);
      stream.exit(0);
      await settle();
    }
    await recorder.close();
    await system.shutdown();
  }));

test.run();
