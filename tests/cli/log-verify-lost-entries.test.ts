// `log verify` on a log that lost entries without a damaged line to show for it: a segment emptied
// to 0 bytes (a crash before the file system wrote it out) or removed. Compaction never reaches
// past log/compacted.json's seq, so entries missing after it are lost, and verify must say so.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { seqOf, smallSegments } from '../support/small-segments.ts';

const test = suite('log verify and lost entries', { deadlineMs: 90_000 });


const verify = (dir: string) => runCli(['log', 'verify', '--state-dir', dir]);

test('the log as written verifies ok', () =>
  withTempDir(async (dir) => {
    await smallSegments(dir, { snapshot: true });
    const verified = await verify(dir);
    assert.is(verified.code, 0, verified.stdout);
  }));

test('a segment emptied to 0 bytes in a log never compacted: its entries are named as missing, exit 1', () =>
  withTempDir(async (dir) => {
    const segments = await smallSegments(dir, { snapshot: true });
    truncateSync(join(dir, 'log', segments[2]), 0);
    const verified = await verify(dir);
    assert.is(verified.code, 1, verified.stdout);
    assert.ok(verified.stdout.includes(`entries ${seqOf(segments[2])} to ${seqOf(segments[3]) - 1} are missing`), verified.stdout);
    assert.match(verified.stdout, /event log damaged: 1 problem /);
  }));

test('the first segment removed: entries from 1 are missing', () =>
  withTempDir(async (dir) => {
    const segments = await smallSegments(dir, { snapshot: true });
    rmSync(join(dir, 'log', segments[0]));
    const verified = await verify(dir);
    assert.is(verified.code, 1, verified.stdout);
    assert.ok(verified.stdout.includes(`entries 1 to ${seqOf(segments[1]) - 1} are missing`), verified.stdout);
  }));

test.run();
