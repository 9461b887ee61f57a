// `octant-exec cp DIR POD:/tmp/x` says each local entry it leaves out (a fifo, a socket) on stderr
// by its name: a name is bytes of this machine's disk, and one holding an escape sequence must not
// reach the terminal as one (as the names of files that changed are shown, serverText).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startTestApp } from '../server/support.ts';

const test = suite('cp names a skipped entry without its control characters', { deadlineMs: 120_000 });

const app = await startTestApp();
test.after(() => app.close());
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };

test('a fifo named with an escape sequence is said with none', () =>
  withTempDir(async (dir) => {
    const folder = join(dir, 'up');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.txt'), 'a\n');
    execFileSync('mkfifo', [join(folder, 'p\x1b]0;owned\x07\x1b[2Jq')]);
    const run = await runCli(['cp', folder, 'web:/tmp/skipped-name', '-c', 'nginx'], 60_000, { env });
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stderr, /skipped .*p.*q: not a file, directory or symlink/);
    assert.not.match(run.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, JSON.stringify(run.stderr));
  }));

test.run();
