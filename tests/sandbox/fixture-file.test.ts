// A sandbox from a fixture file: the container's environment, HOSTNAME, and a filesystem holding
// only the programs its image declares.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { runExec } from '../support/sandbox-exec-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'octant-exec-fixture-'));
const fixturePath = join(dir, 'fixture.json');
writeFileSync(
  fixturePath,
  JSON.stringify({
    user: 'alice@example.com',
    namespaces: [{ name: 'shop', pods: [{ name: 'cart-7f9', containers: [{ name: 'app', shells: ['sh'], tools: ['cat', 'env'], env: { MODE: 'test' } }] }] }],
  }),
);
const sandbox = await startTestSandbox({ fixture: fixturePath, stateDir: join(dir, 'state') });
test.after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

test('env holds HOSTNAME = pod name, HOME, the usual PATH and the fixture env', async () => {
  const session = await runExec(sandbox, { namespace: 'shop', pod: 'cart-7f9', command: ['env'] });
  const env = Object.fromEntries(session.stdout().trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
  assert.is(env.HOSTNAME, 'cart-7f9');
  assert.is(env.MODE, 'test');
  assert.is(env.HOME, '/root');
  assert.is(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
});

test('the image holds exactly the programs it declares, and tar as it has a shell; the working directory is /', async () => {
  const session = await runExec(sandbox, { namespace: 'shop', pod: 'cart-7f9', command: ['sh', '-c', 'echo "$PWD"; echo /usr/bin/* /usr/sbin/* /usr/local/bin/*; ls'] });
  assert.is(session.stdout(), '/\n/usr/bin/cat /usr/bin/env /usr/bin/sh /usr/bin/tar /usr/sbin/* /usr/local/bin/*\n');
  assert.match(session.stderr(), 'ls: not found');
});

test('the writable layer lives under the state directory while the pod does; only its user may enter the directory', async () => {
  assert.is(statSync(join(dir, 'state')).mode & 0o777, 0o700, 'the pods\' files are the user\'s');
  await runExec(sandbox, { namespace: 'shop', pod: 'cart-7f9', command: ['sh', '-c', 'echo kept > /root/note'] });
  const layer = join(dir, 'state', 'pods', 'shop', 'cart-7f9', 'app.0'); // its first start's
  assert.is(readFileSync(join(layer, 'root', 'note'), 'utf8'), 'kept\n');
  assert.ok(sandbox.deletePod('shop', 'cart-7f9'));
  await waitFor(() => !existsSync(layer), 'the layer to go with the pod', 10_000);
});

test.run();
