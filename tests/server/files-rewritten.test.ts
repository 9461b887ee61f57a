// A file written in place while tar reads it (a database, a file a program rewrites without
// truncating it) is part the old version, part the new one, and GNU tar says only "file changed as
// we read it" and exits 1, the same words as for a log that grows at its end. Taking that exit as a
// whole archive (e74df88, undone) made `octant-exec cp` write the torn file under its real name,
// exit 0, and say nothing; refusing it (af37186) made such a file impossible to copy at all. Each
// copy here is one version whole with exit 0, or the file written with the warning and exit 3.
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
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

test('cp of a file rewritten in place: one version whole and exit 0, or the file written, the warning said, exit 3', () =>
  withTempDir(async (dir) => {
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dst = join(dir, `db-${i}`);
      const run = await runCli(['cp', 'web:/tmp/torn/db', dst, '-c', 'nginx'], 60_000, { env });
      const got = existsSync(dst) ? readFileSync(dst) : undefined;
      const xs = got?.filter((byte) => byte === 0x78).length ?? 0;
      const ys = got?.filter((byte) => byte === 0x79).length ?? 0;
      seen.push(`exit ${run.code}: ${got ? `${xs} x, ${ys} y` : 'no file'}`);
      const so = `copy ${i + 1} (copies so far: ${seen.join('; ')}; it said ${JSON.stringify(run.stderr)})`;
      assert.ok(run.code === 0 || run.code === 3, so);
      assert.is(got?.length, SIZE, `the file is there, as long as tar announced: ${so}`);
      if (run.code === 0) assert.ok(xs === 0 || ys === 0, `exit 0 with a torn file and no word: ${so}`);
      else assert.match(run.stderr, /octant-exec cp: \/tmp\/torn\/db changed while it was copied: the copy holds what tar read, which may be cut short or mix two versions/, so);
    }
  }));

test.run();
