// A file written in place while tar reads it (a database, a file a program rewrites without
// truncating it) is part the old version, part the new one, and GNU tar says only "file changed as
// we read it" and exits 1, the same words as for a log that grows at its end. Taking that exit as a
// whole archive (e74df88, undone) made `octant-exec cp` write the torn file under its real name,
// exit 0, and say nothing. Each copy here is either one version whole (x…x or y…y), or the user is
// told the file changed while it was read.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from '../support/test.ts';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { call, openExec, startTestApp } from './support.ts';
import { runIn } from './files-support.ts';

const test = suite('a file rewritten in place while it is copied out', { deadlineMs: 180_000 });

const SIZE = 4_000_000;
const app = await startTestApp();
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
let writer: string | undefined;
test.before(async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', `mkdir -p /tmp/torn && head -c ${SIZE} /dev/zero | tr "\\0" x > /tmp/torn/x && head -c ${SIZE} /dev/zero | tr "\\0" y > /tmp/torn/y && cp /tmp/torn/x /tmp/torn/db`]);
  // rewrites the file in place, never truncating it: always SIZE bytes, each time all x or all y once written
  [writer] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'while :; do cat /tmp/torn/y 1<>/tmp/torn/db; cat /tmp/torn/x 1<>/tmp/torn/db; done'] }, interactive: false });
});
test.after(async () => {
  if (writer) await call(app, `/api/v1/sessions/${writer}/close`, { method: 'POST' });
  await runIn(app, 'web', 'nginx', ['rm', '-rf', '/tmp/torn']).catch(() => {});
  await app.close();
});

test('cp of a file rewritten in place: one version whole, or it says the file changed as it was read', () =>
  withTempDir(async (dir) => {
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dst = join(dir, `db-${i}`);
      const run = await runCli(['cp', 'web:/tmp/torn/db', dst, '-c', 'nginx'], 60_000, { env });
      if (run.code !== 0) {
        seen.push(`exit ${run.code}`);
        continue;
      }
      const got = readFileSync(dst);
      const xs = got.filter((byte) => byte === 0x78).length;
      const ys = got.filter((byte) => byte === 0x79).length;
      seen.push(`exit 0: ${xs} x, ${ys} y`);
      if (xs !== 0 && ys !== 0) {
        assert.match(run.stderr, /changed/i, `copy ${i + 1} exited 0 with a torn file (${xs} bytes of one version, ${ys} of the other) and said ${JSON.stringify(run.stderr)} (copies so far: ${seen.join('; ')})`);
      }
    }
  }));

test.run();
