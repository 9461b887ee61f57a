// Tar's messages are translated under the container's locale: in a German container GNU tar says
// "Datei hat sich beim Lesen geändert", not "file changed as we read it", and "Datei oder
// Verzeichnis nicht gefunden" for a missing path. The server runs tar as `env -u TAR_OPTIONS LC_ALL=C tar …`, so
// it reads tar's words in any container: a growing log still comes with the warning, a missing
// path is still a 404. The container here is unisolated (a plain process of this machine), the
// one way it sees this machine's translations (/usr/share/locale/de/LC_MESSAGES/tar.mo); its
// LANGUAGE=de under LC_ALL=C.UTF-8 is German enough for gettext without a generated de_DE locale.
// And an image with env but no tar is still said to have no tar; an image that sets TAR_OPTIONS
// (GNU tar reads options from it: `--exclude=*` empties every archive) does not change what the
// server's tar does, up or down.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';
import { call, openExec, sessionState, startTestApp } from './support.ts';
import { downloadFrom, runIn, uploadTo } from './files-support.ts';

const test = suite("tar under a container's environment", { deadlineMs: 180_000 });

const START = 8_000_000;
const app = await startTestApp({
  sandboxOptions: {
    isolation: 'none',
    fixture: {
      namespaces: [
        {
          name: 'default',
          pods: [
            { name: 'de', containers: [{ name: 'main', shells: ['sh'], tools: ['coreutils', 'textutils'], env: { LC_ALL: 'C.UTF-8', LANGUAGE: 'de' } }] },
            { name: 'tar-options', containers: [{ name: 'main', shells: ['sh'], tools: ['coreutils'], env: { TAR_OPTIONS: '--exclude=*' } }] },
            // env and no tar (no shell: the sandbox gives tar to images with one)
            { name: 'env-only', containers: [{ name: 'main', tools: ['coreutils'] }] },
          ],
        },
      ],
    },
  },
});
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
/** unisolated, the container's files are this machine's */
const dir = mkdtempSync(join(tmpdir(), 'octant-exec-locale-'));
let writer: string | undefined;
test.before(async () => {
  await runIn(app, 'de', 'main', ['sh', '-c', `head -c ${START} /dev/zero | tr "\\0" x > ${dir}/app.log`]);
  [writer] = await openExec(app, { namespace: 'default', pod: 'de', containers: ['main'], command: { argv: ['sh', '-c', `while [ ! -e ${dir}/stop ]; do echo Zeile; sleep 0.01; done >> ${dir}/app.log`] }, interactive: false });
});
test.after(async () => {
  await runIn(app, 'de', 'main', ['touch', `${dir}/stop`]).catch(() => {});
  if (writer) await waitFor(async () => (await sessionState(app, writer!))?.state === 'exited', 'the writer to stop', 20_000).catch(() => {});
  if (writer) await call(app, `/api/v1/sessions/${writer}/close`, { method: 'POST' });
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the container speaks German: its own tar, run as a user would, says so', async () => {
  await runIn(app, 'de', 'main', ['sh', '-c', 'tar cf /dev/null ./no-such-file 2>&1 | grep -q "Datei oder Verzeichnis nicht gefunden"']);
});

test('a missing path is still a 404 that says so', async () => {
  const down = await downloadFrom(app, { pod: 'de', path: `${dir}/no-such-file` });
  assert.is(down.status, 404, down.body.toString());
  assert.match(JSON.parse(down.body.toString()).error.message, /does not exist.*No such file or directory/);
});

test('cp of a growing log: the file written, the warning said, exit 3', () =>
  withTempDir(async (out) => {
    const run = await runCli(['cp', `de:${dir}/app.log`, join(out, 'app.log')], 60_000, { env });
    assert.is(run.code, 3, run.stderr);
    assert.match(run.stderr, /app\.log changed while it was copied: the copy holds what tar read/);
    assert.ok(readFileSync(join(out, 'app.log')).subarray(0, START).every((byte) => byte === 0x78));
  }));

test('env without tar (its exit 127) is said as an image without tar', async () => {
  const down = await downloadFrom(app, { pod: 'env-only', path: '/etc/hostname' });
  assert.is(down.status, 422, down.body.toString());
  assert.match(JSON.parse(down.body.toString()).error.message, /has no tar.*debug container/);
});

test("an image's TAR_OPTIONS (--exclude=*) reaches neither a download nor an upload", async () => {
  await runIn(app, 'tar-options', 'main', ['sh', '-c', `echo kept > ${dir}/down.txt`]);
  const down = await downloadFrom(app, { pod: 'tar-options', path: `${dir}/down.txt` });
  assert.is(down.status, 200, down.body.toString());
  assert.is(down.body.toString(), 'kept\n');
  const up = await uploadTo(app, { pod: 'tar-options', path: dir, name: 'up.txt' }, new TextEncoder().encode('arrived\n'));
  assert.is(up.status, 201, JSON.stringify(up.json));
  assert.is(readFileSync(join(dir, 'up.txt'), 'utf8'), 'arrived\n');
});

test('the audit record has the command as it ran: env -u TAR_OPTIONS LC_ALL=C tar', async () => {
  const records = (await call(app, '/api/v1/audit')).json.records as { argv: string[]; mode?: { kind: string } }[];
  const download = records.find((r) => r.mode?.kind === 'download');
  assert.equal(download?.argv.slice(0, 6), ['env', '-u', 'TAR_OPTIONS', 'LC_ALL=C', 'tar', 'cf']);
});

test.run();
