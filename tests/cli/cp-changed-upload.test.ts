// `octant-exec cp ./app.log web:/tmp/` while a program here still writes the log: cp sends it as
// GNU tar would, as long as it was when looked at (the tar header's size), names it on stderr and
// exits 3 (cp --help's status for a file that changed while it was copied). The container gets
// exactly that many bytes, never what was written after. Before, cp refused the file, sent nothing.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startTestApp } from '../server/support.ts';
import { downloadFrom } from '../server/files-support.ts';

const test = suite('cp up of a local file still written to', { deadlineMs: 120_000 });

const app = await startTestApp();
test.after(() => app.close());
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
const START = 16_000_000;

test('the log is sent as long as it was, named on stderr, exit 3', () =>
  withTempDir(async (dir) => {
    const log = join(dir, 'app.log');
    writeFileSync(log, Buffer.alloc(START, 0x78));
    const writing = setInterval(() => appendFileSync(log, 'line\n'), 2);
    try {
      const run = await runCli(['cp', log, 'web:/tmp/up.log', '-c', 'nginx'], 60_000, { env });
      assert.is(run.code, 3, run.stderr);
      assert.match(run.stderr, new RegExp(`^octant-exec cp: ${log.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} changed while it was copied: the copy holds what was read of it, which may be cut short or mix two versions\\n$`));
    } finally {
      clearInterval(writing);
    }
    // exactly the announced bytes: the log as it was when cp looked at it (after its first START bytes, whole lines), none of what came after
    const sent = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/up.log' });
    assert.is(sent.status, 200);
    const local = readFileSync(log);
    assert.ok(sent.body.length >= START && sent.body.length < local.length, `${sent.body.length} bytes sent of ${local.length}`);
    assert.ok(sent.body.equals(local.subarray(0, sent.body.length)), 'what was sent is the log as it began');
    assert.is((sent.body.length - START) % 'line\n'.length, 0, 'as long as it was at a moment: whole lines');
  }));

test.run();
