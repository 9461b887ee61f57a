// A pod's env is its author's to choose, and reaches only its containers: none of it is given to
// the programs of this machine that start a container's process (prlimit, nsenter), where
// LD_PRELOAD naming a library in another pod's root (/proc/PID/root/…) once ran that library here.
// Unisolated, where a container is a process of this machine, no process starts with such a variable.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestSandbox, type Sandbox } from '../../support/sandbox.ts';
import { call } from '../../support/sandbox-access.ts';
import { runExec } from '../../support/sandbox-exec-client.ts';
import { waitFor } from '../../support/wait.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

const post = (target: Sandbox, name: string, container: Record<string, unknown>) =>
  call(target, '/api/v1/namespaces/default/pods', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '1000'], ...container }] } }),
  });
const create = async (name: string, container: Record<string, unknown>) => {
  const created = await post(sandbox, name, container);
  assert.is(created.status, 201, created.body);
  await waitFor(async () => (await call(sandbox, `/api/v1/namespaces/default/pods/${name}`)).json().status.containerStatuses?.[0]?.state?.running, `${name} running`, 20_000);
};

/** Every process (any namespace) that has `file` mapped: loaded as a library. */
function processesMapping(file: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/maps`, 'utf8').includes(file);
      } catch {
        return false; // gone meanwhile
      }
    });
}

test("LD_PRELOAD naming a library in another pod's root is not loaded by anything on this machine", async () => {
  await create('stage', {});
  // The library: a harmless one of this machine's (libm), put where only the stage pod has it.
  const libm = readFileSync('/proc/self/maps', 'utf8').match(/\/\S*\/libm\.so\.6\b/)?.[0];
  assert.ok(libm, 'this process maps libm');
  const file = `preload-${randomBytes(6).toString('hex')}.so`;
  copyFileSync(libm, join(sandbox.stateDir, 'pods', 'default', 'stage', 'c.0', file));
  // Seen from this machine through a stage process's root, as an attacker would name it.
  const holders = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && existsSync(`/proc/${pid}/root/${file}`) && !existsSync(`/${file}`));
  assert.ok(holders.length > 0, 'a process of the stage pod has the library in its root');
  const preload = holders.map((pid) => `/proc/${pid}/root/${file}`).join(' ');

  await create('attack', { env: [{ name: 'LD_PRELOAD', value: preload }] });
  const exec = await runExec(sandbox, { pod: 'attack', command: ['sleep', '0'] });
  assert.is(exec.status()?.status, 'Success');
  assert.equal(processesMapping(file), [], 'no process loaded the library');
});

test('the container still sees its env exactly as given, a name like an option included', async () => {
  await create('env-kept', { env: [{ name: 'LD_PRELOAD', value: '/nowhere.so' }, { name: '-S', value: 'not an option' }, { name: 'GREETING', value: 'a b;c$(x)' }] });
  const result = await runExec(sandbox, { pod: 'env-kept', command: ['env'] });
  const env = result.stdout().trim().split('\n').sort();
  assert.equal(env, ['-S=not an option', 'GREETING=a b;c$(x)', 'HOME=/root', 'HOSTNAME=env-kept', 'LD_PRELOAD=/nowhere.so', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
});

test('a program whose name has "=" in it runs as that program, not as a variable', async () => {
  const written = await runExec(sandbox, { pod: 'env-kept', command: ['sh', '-c', 'printf "#!/bin/sh\\necho ran \\"\\$GREETING\\"\\n" > /tmp/a=b && chmod +x /tmp/a=b'] });
  assert.is(written.status()?.status, 'Success', written.stderr());
  const result = await runExec(sandbox, { pod: 'env-kept', command: ['/tmp/a=b'] });
  assert.is(result.stdout(), 'ran a b;c$(x)\n');
});

test('unisolated, no container starts with a loader variable in its env, and the exec says why', async () => {
  const preloaded = { name: 'c', shells: ['sh'], tools: ['coreutils'], env: { LD_PRELOAD: '/tmp/x.so' } };
  const unisolated = await startTestSandbox({ isolation: 'none', fixture: { namespaces: [{ name: 'default', pods: [{ name: 'fixed', containers: [preloaded, { ...preloaded, name: 'plain', env: {} }] }] }] } });
  try {
    const refused = await runExec(unisolated, { pod: 'fixed', container: 'c', command: ['true'] });
    assert.match(String(refused.status()?.message), 'starts none with LD_PRELOAD set');
    assert.is((await runExec(unisolated, { pod: 'fixed', container: 'plain', command: ['true'] })).status()?.status, 'Success', 'a container without one runs as before');
    // Made through the API, its main process never starts.
    assert.is((await post(unisolated, 'made', { env: [{ name: 'LD_AUDIT', value: '/tmp/x.so' }] })).status, 201);
    const state = await waitFor(async () => (await call(unisolated, '/api/v1/namespaces/default/pods/made')).json().status.containerStatuses?.[0]?.state?.terminated, 'made ended', 20_000);
    assert.is(state.reason, 'StartError');
  } finally {
    await unisolated.close();
  }
});

test.run();
