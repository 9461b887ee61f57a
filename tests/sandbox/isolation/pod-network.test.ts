// Each pod has a network namespace of its own, as in Kubernetes: its containers share it and talk
// over localhost; nothing of this machine's network is in reach (its loopback services, its
// sockets in /proc/net, its abstract Unix sockets, where a peer's uid would read as this machine's),
// nor another pod's.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLab, run, sh } from './support.ts';
import { buildProbe, layerOf, plantProbe } from './probe.ts';
import { waitFor, withTimeout } from '../../support/wait.ts';
import { openExec } from '../../support/sandbox-exec-client.ts';

const sandbox = await startLab();
const probe = buildProbe(sandbox.scratch);
const layer = (pod: string, container: string) => layerOf(join(sandbox.stateDir, 'pods', 'lab', pod), container);
test.after(() => sandbox.close());

test("a container reaches nothing of this machine's network: not the sandbox's own port on 127.0.0.1, nor its sockets in /proc/net; it has a loopback of its own", async () => {
  const port = Number(new URL(sandbox.server).port);
  const reached = await run(sandbox, 'victim', ['bash', '-c', 'exec 3<>"/dev/tcp/127.0.0.1/$1" && echo reached', 'bash', String(port)]);
  assert.not.match(reached.stdout, 'reached');
  assert.match(reached.stderr, 'Connection refused');
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  assert.ok(readFileSync('/proc/net/tcp', 'utf8').includes(hex), "this machine lists the sandbox's port");
  const listed = await run(sandbox, 'victim', ['cat', '/proc/net/tcp', '/proc/net/tcp6', '/proc/net/dev']);
  assert.not.ok(listed.stdout.includes(hex), listed.stdout);
  const interfaces = listed.stdout.split('\n').filter((line) => /^\s*\w+:\s+\d/.test(line)).map((line) => line.trim().split(':')[0]);
  assert.equal(interfaces, ['lo']);
  // its loopback is up: a port nobody listens on refuses, where a loopback down is unreachable
  const own = await run(sandbox, 'victim', ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/9 || true']);
  assert.match(own.stderr, 'Connection refused');
});

test("an abstract Unix socket of this machine (whose server would take a container's root for this machine's) is out of a container's reach", async () => {
  const name = `octant-exec-test-${randomBytes(6).toString('hex')}`;
  const server = spawn(probe, ['abstract-listen', name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  server.stdout!.setEncoding('utf8').on('data', (text: string) => (said += text));
  try {
    await waitFor(() => said.includes('listening'), "this machine's abstract socket to listen");
    await sh(sandbox, 'bystander', 'true'); // the pod's first start makes its layer
    plantProbe(probe, layer('bystander', 'main'));
    const tried = await run(sandbox, 'bystander', ['/probe', 'abstract-connect', name]);
    assert.is(tried.stdout, 'abstract-connect: Connection refused\n');
    assert.not.match((await run(sandbox, 'bystander', ['cat', '/proc/net/unix'])).stdout, name);
    assert.not.match(said, 'accepted');
  } finally {
    server.kill('SIGKILL');
  }
});

test("a pod's containers share its network, over localhost; another pod's container does not reach it", async () => {
  await sh(sandbox, 'apart', 'true', [], 'a');
  await sh(sandbox, 'victim', 'true');
  for (const [pod, container] of [['apart', 'a'], ['apart', 'b'], ['victim', 'main']]) plantProbe(probe, layer(pod, container));
  const namespaceOf = async (pod: string, container: string) => (await run(sandbox, pod, ['readlink', '/proc/self/ns/net'], container)).stdout;
  assert.is(await namespaceOf('apart', 'a'), await namespaceOf('apart', 'b'));
  assert.is.not(await namespaceOf('apart', 'a'), await namespaceOf('victim', 'main'));

  const server = await openExec(sandbox, { namespace: 'lab', pod: 'apart', container: 'a', command: ['/probe', 'listen', '7070'] });
  try {
    await waitFor(() => server.stdout().includes('listening'), 'a to listen on 7070');
    const other = await run(sandbox, 'victim', ['/probe', 'connect', '7070', 'from another pod']);
    assert.is(other.stdout, 'connect: Connection refused\n');
    const sibling = await run(sandbox, 'apart', ['/probe', 'connect', '7070', 'hello from b'], 'b');
    assert.is(sibling.stdout, 'connect: sent\n');
    await withTimeout(server.closed, 15_000, "a's listener to end");
    assert.is(server.stdout(), 'listening\nreceived: hello from b\n');
  } finally {
    server.ws.close();
  }
});

test.run();
