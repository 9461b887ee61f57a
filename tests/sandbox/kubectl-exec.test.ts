// Real kubectl binaries against the sandbox: exit codes, streams, containers, stdin EOF, large
// binary data, and the refusals a real cluster gives (missing shell, RBAC, crash-looping container).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { KUBECTL_DISPATCHER, KUBECTL_VERSIONS, kubectl, startTestSandbox } from '../support/sandbox.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

for (const version of KUBECTL_VERSIONS) {
  test(`kubectl ${version}: exec exits with the command's exit code`, async () => {
    const result = await kubectl(sandbox, version, ['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    assert.is(result.code, 3, result.stderr);
    assert.match(result.stderr, 'command terminated with exit code 3');
  });
}

test('the /usr/bin/kubectl dispatcher picks a kubectl that execs', async () => {
  const result = await kubectl(sandbox, KUBECTL_DISPATCHER, ['exec', 'web', '--', 'sh', '-c', 'exit 3']);
  assert.is(result.code, 3, result.stderr);
});

test('stdout and stderr stay apart', async () => {
  const result = await kubectl(sandbox, '1.33', ['exec', 'web', '--', 'sh', '-c', 'echo to-out; echo to-err >&2']);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout.toString(), 'to-out\n');
  assert.is(result.stderr, 'to-err\n');
});

test('-c sidecar reaches the sidecar; no -c reaches the default container nginx', async () => {
  const image = '. /etc/os-release; echo "$PRETTY_NAME"; echo "$NGINX_PORT"; hostname';
  const sidecar = await kubectl(sandbox, '1.33', ['exec', 'web', '-c', 'sidecar', '--', 'sh', '-c', image]);
  const nginx = await kubectl(sandbox, '1.33', ['exec', 'web', '--', 'sh', '-c', image]);
  assert.is(sidecar.stdout.toString(), 'busybox:1.36 (octant-exec sandbox image)\n\nweb\n');
  assert.is(nginx.stdout.toString(), 'nginx:1.27 (octant-exec sandbox image)\n80\nweb\n');
});

test('kubectl exec web -c nginx -- cat /proc/sys/kernel/hostname prints web', async () => {
  const result = await kubectl(sandbox, '1.33', ['exec', 'web', '-c', 'nginx', '--', 'cat', '/proc/sys/kernel/hostname']);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout.toString(), 'web\n');
});

test('stdin EOF reaches the process: printf a\\nb\\n | kubectl exec -i web -- wc -l prints 2', async () => {
  const result = await kubectl(sandbox, '1.33', ['exec', '-i', 'web', '--', 'wc', '-l'], 'a\nb\n');
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout.toString().trim(), '2');
});

test('5 MB of random bytes come back through cat unchanged', async () => {
  const data = randomBytes(5 * 1024 * 1024);
  const result = await kubectl(sandbox, '1.33', ['exec', '-i', 'web', '--', 'cat'], data);
  assert.is(result.code, 0, result.stderr);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  assert.is(result.stdout.length, data.length);
  assert.is(sha(result.stdout), sha(data));
});

test('a shell-less image: exec distroless-app -- sh fails with the runtime text', async () => {
  const before = sandbox.execCount();
  const result = await kubectl(sandbox, '1.33', ['exec', 'distroless-app', '--', 'sh']);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown');
  assert.match(result.stderr, 'error: Internal error occurred: error executing command in container');
  assert.is(sandbox.execCount(), before);
});

test('bash is missing from the sidecar image even though the host has it', async () => {
  const result = await kubectl(sandbox, '1.33', ['exec', 'web', '-c', 'sidecar', '--', 'sh', '-c', 'bash -c true; echo rc=$?']);
  assert.match(result.stdout.toString(), 'rc=127');
  assert.match(result.stderr, 'not found');
});

test('RBAC: exec -n restricted secret-db prints the API server refusal', async () => {
  const before = sandbox.execCount();
  const result = await kubectl(sandbox, '1.33', ['exec', '-n', 'restricted', 'secret-db', '--', 'id']);
  assert.is(result.code, 1);
  assert.match(
    result.stderr,
    'Error from server (Forbidden): pods "secret-db" is forbidden: User "octant-exec-sandbox-user" cannot create resource "pods/exec" in API group "" in the namespace "restricted"',
  );
  assert.is(sandbox.execCount(), before);
});

test('a crash-looping container refuses exec like the kubelet', async () => {
  const before = sandbox.execCount();
  const result = await kubectl(sandbox, '1.33', ['exec', 'crashloop', '--', 'sh']);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'error: unable to upgrade connection: container not found ("app")');
  assert.is(sandbox.execCount(), before);
});

test('every exec that ran started exactly one process', async () => {
  const before = sandbox.execCount();
  await kubectl(sandbox, '1.33', ['exec', 'web', '--', 'true']);
  assert.is(sandbox.execCount(), before + 1);
});

test.run();
