// A sandbox from a fixture file: the container's environment, HOSTNAME and a PATH holding only
// the programs its image declares.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox } from '../support/sandbox.ts';
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

test('env holds HOSTNAME = pod name and the fixture env; PATH is the container bin dir', async () => {
  const session = await runExec(sandbox, { namespace: 'shop', pod: 'cart-7f9', command: ['env'] });
  const env = Object.fromEntries(session.stdout().trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
  assert.is(env.HOSTNAME, 'cart-7f9');
  assert.is(env.MODE, 'test');
  assert.is(env.PATH, join(dir, 'state', 'containers', 'shop', 'cart-7f9', 'app', 'bin'));
  assert.equal(readdirSync(env.PATH).sort(), ['cat', 'env', 'sh']);
});

test('the working directory is the container own directory', async () => {
  const session = await runExec(sandbox, { namespace: 'shop', pod: 'cart-7f9', command: ['sh', '-c', 'echo "$PWD"; ls'] });
  assert.match(session.stdout(), join(dir, 'state', 'containers', 'shop', 'cart-7f9', 'app', 'root'));
  assert.match(session.stderr(), 'ls: not found');
});

test.run();
