// Real kubectl over SPDY/3.1 against the sandbox: 1.27 and 1.28 (v4 only), 1.29 (v5), 1.32 with
// KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false, and 1.33 falling back from a refused WebSocket.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { startTestSandbox } from '../support/sandbox.ts';
import { SPDY_KUBECTLS, countedTransports, kubectlWith } from './support.ts';

const counted = countedTransports();
const sandbox = await startTestSandbox({ transportOverrides: counted.transports });
const spdyOnly = await startTestSandbox({ execTransports: ['spdy'] });
const websocketOnly = await startTestSandbox({ execTransports: ['websocket'] });
test.after(async () => {
  await sandbox.close();
  await spdyOnly.close();
  await websocketOnly.close();
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const fiveMegabytes = randomBytes(5 * 1024 * 1024);

for (const client of SPDY_KUBECTLS) {
  test(`${client.name}: exit code 3 comes back, stdout and stderr apart, over SPDY`, async () => {
    const before = { ...counted.upgrades };
    const result = await kubectlWith(sandbox, client.version, client.env, ['exec', 'web', '--', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
    assert.is(result.code, 3, result.stderr);
    assert.is(result.stdout.toString(), 'to-out\n');
    assert.is(result.stderr, 'to-err\ncommand terminated with exit code 3\n');
    assert.equal(counted.upgrades, { websocket: before.websocket, spdy: before.spdy + 1 });
  });

  test(`${client.name}: printf 'a\\nb\\n' | kubectl exec -i web -- wc -l prints 2 (stdin FIN is EOF)`, async () => {
    const result = await kubectlWith(sandbox, client.version, client.env, ['exec', '-i', 'web', '--', 'wc', '-l'], 'a\nb\n');
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stdout.toString().trim(), '2');
  });

  test(`${client.name}: 5 MB of random bytes come back through cat with the same sha256`, async () => {
    const result = await kubectlWith(sandbox, client.version, client.env, ['exec', '-i', 'web', '--', 'cat'], fiveMegabytes);
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stdout.length, fiveMegabytes.length);
    assert.is(sha(result.stdout), sha(fiveMegabytes));
  });
}

test('kubectl 1.33 against a sandbox that refuses WebSocket falls back to SPDY and runs the command once', async () => {
  const before = spdyOnly.execCount();
  const result = await kubectlWith(spdyOnly, '1.33', {}, ['exec', 'web', '--', 'sh', '-c', 'echo ran >&2; exit 3']);
  assert.is(result.code, 3, result.stderr);
  assert.is(result.stderr, 'ran\ncommand terminated with exit code 3\n');
  assert.is(spdyOnly.execCount(), before + 1);
});

test('kubectl 1.33 against the default sandbox stays on WebSocket', async () => {
  const before = { ...counted.upgrades };
  const result = await kubectlWith(sandbox, '1.33', {}, ['exec', 'web', '--', 'true']);
  assert.is(result.code, 0, result.stderr);
  assert.equal(counted.upgrades, { websocket: before.websocket + 1, spdy: before.spdy });
});

test('kubectl 1.29 against a sandbox that refuses SPDY gets its 400 Status, and nothing runs', async () => {
  const before = websocketOnly.execCount();
  const result = await kubectlWith(websocketOnly, '1.29', {}, ['exec', 'web', '--', 'true']);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'unsupported upgrade "SPDY/3.1": this server serves exec over websocket');
  assert.is(websocketOnly.execCount(), before);
});

test('kubectl 1.27 on an RBAC refusal prints the API server Status and starts nothing', async () => {
  const before = sandbox.execCount();
  const result = await kubectlWith(sandbox, '1.27', {}, ['exec', '-n', 'restricted', 'secret-db', '--', 'id']);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'cannot create resource "pods/exec" in API group "" in the namespace "restricted"');
  assert.is(sandbox.execCount(), before);
});

test.run();
