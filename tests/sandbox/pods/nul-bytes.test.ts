// A NUL byte can end a word early wherever words travel NUL-separated (the bubblewrap launcher's
// stdin), so that part of an environment value becomes a command of its own, run outside the
// container. Pods made through the API are refused with one, and whatever reaches a runtime with
// one is refused before anything starts, as runc refuses it ("invalid argument").
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSandbox } from '../../support/sandbox.ts';
import { call } from '../../support/sandbox-access.ts';
import { runExec } from '../../support/sandbox-exec-client.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());
const marker = join(sandbox.scratch, 'escaped');
const outside = ['/usr/bin/bash', '-c', `touch ${marker}`];
const create = (name: string, container: Record<string, unknown>) =>
  call(sandbox, '/api/v1/namespaces/default/pods', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', ...container }] } }),
  });

test('a pod whose env value, command or args hold a NUL byte is refused, and nothing runs', async () => {
  const env = await create('nul-env', { command: ['sleep', '100'], env: [{ name: 'A', value: ['x', ...outside].join('\0') }] });
  assert.is(env.status, 422);
  assert.match(env.json().message, 'spec.containers[0].env[0].value: Invalid value:');
  assert.match(env.json().message, 'must not contain a NUL byte');
  const args = await create('nul-args', { command: ['sh', '-c'], args: [`echo a\0b`] });
  assert.is(args.status, 422);
  assert.match(args.json().message, 'spec.containers[0].args[0]');
  const name = await create('bad-env-name', { env: [{ name: 'A=B', value: 'x' }] });
  assert.is(name.status, 422);
  assert.match(name.json().message, "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='");
  assert.not.ok(existsSync(marker), 'nothing ran on this machine');
});

test('an exec whose command holds a NUL byte is refused as runc refuses it, before anything starts', async () => {
  const result = await runExec(sandbox, { pod: 'web', container: 'sidecar', command: ['sh', '-c', `echo x\0${outside.join('\0')}`] });
  assert.match(String(result.status()?.message), 'exec: "sh": invalid argument');
  assert.not.ok(existsSync(marker));
});

test('an env value without one reaches the container as given', async () => {
  rmSync(marker, { force: true });
  assert.is((await create('plain-env', { command: ['sleep', '100'], env: [{ name: 'GREETING', value: 'a b;c$(x)' }] })).status, 201);
  await waitFor(async () => (await call(sandbox, '/api/v1/namespaces/default/pods/plain-env')).json().status.containerStatuses[0].state.running, 'plain-env running', 20_000);
  const result = await runExec(sandbox, { pod: 'plain-env', command: ['sh', '-c', 'echo "$GREETING"'] });
  assert.is(result.stdout(), 'a b;c$(x)\n');
});

test.run();
