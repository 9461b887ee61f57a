// `log export` on a damaged log: every record it can make is written, stderr says what was skipped
// (entries lost with no damaged line to show for it, named as `log verify` names them; damaged
// lines counted), and the exit is 1: the export is not the whole audit trail.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { seqOf, smallSegments } from '../support/small-segments.ts';

const test = suite('log export on a damaged log');


const exportLog = (dir: string) => runCli(['log', 'export', '--state-dir', dir]);
const records = (stdout: string) => stdout.split('\n').filter(Boolean).length;

test('a segment removed: the records left are written, stderr names the entries missing as verify does, exit 1', () =>
  withTempDir(async (dir) => {
    const segments = await smallSegments(dir);
    const whole = await exportLog(dir);
    assert.is(whole.code, 0, whole.stderr);
    assert.is(whole.stderr, '');
    assert.is(records(whole.stdout), 12);

    rmSync(join(dir, 'log', segments[2]));
    const exported = await exportLog(dir);
    const missing = `entries ${seqOf(segments[2])} to ${seqOf(segments[3]) - 1} are missing`;
    assert.is(exported.code, 1, exported.stderr);
    assert.ok(exported.stderr.includes(`octant-exec log export: ${missing}: the log was never compacted`), exported.stderr);
    assert.ok(exported.stdout.length > 0 && records(exported.stdout) <= 12, 'what could be read is exported');
    const verified = await runCli(['log', 'verify', '--state-dir', dir]);
    assert.ok(verified.stdout.includes(missing), verified.stdout);
  }));

test('a damaged line: the records are written, stderr counts the line, exit 1 as for entries missing', () =>
  withTempDir(async (dir) => {
    const segments = await smallSegments(dir);
    appendFileSync(join(dir, 'log', segments.at(-1)!), '{"type":"session.exited", torn\n');
    const exported = await exportLog(dir);
    assert.is(exported.code, 1, exported.stderr);
    assert.match(exported.stderr, /^octant-exec log export: 1 damaged line of the log was skipped \(octant-exec log verify lists them\)/);
    assert.is(records(exported.stdout), 12);
  }));

test.run();
