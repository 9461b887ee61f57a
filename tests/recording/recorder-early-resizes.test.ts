// A terminal to be recorded whose program prints nothing yet (a `cat`, a prompt-less script)
// while its window is resized again and again (a drag, or a client sending resizes at its rate
// limit): until its first byte, the recorder holds every resize, without bound, and then writes
// them all at one time. Sizes with nothing printed between them are one size: the last.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

test('resized 20,000 times before its first byte: the cast begins at the last size, with no pile of resizes', () =>
  withTempDir(async (dir) => {
    const { system, adapter } = makeSystem();
    const recorder = new Recorder(system, new FileRecordings(dir), { mode: 'all', input: false, maxBytes: 1 << 20 }, () => {}, () => system.clock.now());
    const [id] = (system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] }).sessionIds;
    const stream = adapter.last().open();
    await settle();
    for (let i = 0; i < 10_000; i++) {
      system.resize(id, 100 + (i % 50), 30);
      system.resize(id, 120, 40);
    }
    stream.stdout('first');
    system.resize(id, 90, 20);
    stream.stdout('second');
    await settle();
    stream.exit(0);
    await recorder.close();
    const [name] = readdirSync(dir);
    const [header, ...events] = gunzipSync(readFileSync(join(dir, name))).toString().trimEnd().split('\n').map((line) => JSON.parse(line));
    const size = events[0][1] === 'r' ? events.shift()[2] : `${header.width}x${header.height}`;
    assert.is(size, '120x40', 'the size at the first byte');
    assert.equal(events.map((e) => [e[1], e[2]]), [['o', 'first'], ['r', '90x20'], ['o', 'second']]);
    await system.shutdown();
  }));

test.run();
