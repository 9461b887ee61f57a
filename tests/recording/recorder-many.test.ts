// Many recordings at once (recording review): 40 terminals recorded together, their output
// interleaved in chunks past the flush size, each file holds exactly its own terminal's output in
// order, and reading them all back at once gives each whole.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { readBack } from './read-back.ts';

const TERMINALS = 40;

test('40 terminals recorded at once: each file is its own terminal\'s output, whole and in order', () =>
  withTempDir(async (dir) => {
    const { system, adapter } = makeSystem();
    const recorder = new Recorder(system, new FileRecordings(dir), { mode: 'all', input: false, maxBytes: 64 << 20 }, () => {}, () => system.clock.now());
    const ids = Array.from({ length: TERMINALS }, () => (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds[0]);
    const streams = ids.map((_, i) => adapter.streams[i].open());
    const expected = ids.map(() => '');
    for (let round = 0; round < 10; round++) {
      for (const [i, stream] of streams.entries()) {
        const text = `${ids[i]} round ${round} ${'.'.repeat(7000 + i)}\r\n`;
        expected[i] += text;
        stream.stdout(text);
      }
      await settle();
    }
    for (const stream of streams) stream.exit(0);
    await recorder.close();
    const files = readdirSync(dir);
    assert.is(files.length, TERMINALS);
    const read = await Promise.all(ids.map((id) => readBack(join(dir, files.find((f) => f.startsWith(`${id}-run1-`))!), 64 << 20)));
    for (const [i, cast] of read.entries()) {
      assert.is(cast.damage, undefined, ids[i]);
      const output = cast.text.trimEnd().split('\n').slice(1).map((line) => JSON.parse(line)[2]).join('');
      assert.ok(output === expected[i], `${ids[i]}: ${output.length} of ${expected[i].length} characters, in order`);
    }
    await system.shutdown();
  }));

test.run();
