// The actor core driving real execs: supervisor → terminal → client-node WebSocket adapter →
// sandbox cluster → real processes.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import type { ExecAction } from '../../src/domain/exec-action.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('exec system over the sandbox cluster');
let sandbox: Sandbox & { scratch: string };
let system: ExecSystem;
const output: Record<string, string> = {};

test.before(async () => {
  sandbox = await startTestSandbox();
  system = ExecSystem.open({ adapter: new WebSocketExecAdapter(KubeContexts.fromFile(sandbox.kubeconfigPath)), store: new MemoryStore(), config: { connectTimeoutMs: 10_000 } });
  system.io.listen({ output: (id, _channel, chunk) => (output[id] = (output[id] ?? '') + new TextDecoder().decode(chunk)) });
});

test.after(async () => {
  system.shutdown();
  await sandbox.close();
});

const action = (pod: string, containers: string[] | 'all', command: ExecAction['command'], interactive = true, namespace = 'default'): ExecAction => ({
  target: { namespace, pod, containers },
  command,
  interactive,
  requestedBy: 'tester',
});

function startOne(a: ExecAction, containers: string[]): string {
  const result = system.exec(a, containers);
  assert.ok('sessionIds' in result, JSON.stringify(result));
  return result.sessionIds[0];
}

const row = (id: string) => system.sessionList.byId[id];
const type = (id: string, text: string) => system.io.input(id, new TextEncoder().encode(text));

test('a one-shot command exits with its code and its output arrives', async () => {
  const id = startOne(action('web', ['nginx'], { argv: ['sh', '-c', 'echo one-shot-out; exit 42'] }, false), ['nginx']);
  await waitFor(() => row(id).state === 'exited', 'exit');
  assert.is(row(id).exitCode, 42);
  assert.is(row(id).protocol, 'v5.channel.k8s.io');
  assert.match(output[id], /one-shot-out/);
});

test('an interactive shell: type, read, resize, exit with a code', async () => {
  const id = startOne(action('web', ['nginx'], { shell: 'auto' }), ['nginx']);
  await waitFor(() => row(id).state === 'interactive', 'connected');
  assert.equal(row(id).argv, ['bash']);
  type(id, 'echo $((6*7))\r');
  await waitFor(() => /\b42\b/.test(output[id] ?? ''), '42 on screen');
  system.resize(id, 132, 43);
  type(id, 'stty size\r');
  await waitFor(() => /43 132/.test(output[id]), 'the new size');
  type(id, 'exit 7\r');
  await waitFor(() => row(id).state === 'exited', 'exit');
  assert.is(row(id).exitCode, 7);
  assert.equal(system.auditTrail.records.find((r) => r.sessionId === id)?.outcome, { kind: 'exited', code: 7 });
});

test('auto falls back to sh where bash is missing', async () => {
  const id = startOne(action('alpine-tools', ['tools'], { shell: 'auto' }), ['tools']);
  // bash's attempt connects too (the runtime answers "not found" once the stream is open), then sh's
  await waitFor(() => row(id).state === 'interactive' && row(id).argv[0] === 'sh', 'connected with sh');
  assert.equal(row(id).argv, ['sh']);
  type(id, 'exit\r');
  await waitFor(() => row(id).state === 'exited', 'exit');
});

test('no shell at all: failed, naming the shells tried', async () => {
  const id = startOne(action('distroless-app', ['app'], { shell: 'auto' }), ['app']);
  await waitFor(() => row(id).state === 'failed', 'failure');
  assert.is(row(id).failure?.reason, 'commandNotFound');
  assert.match(row(id).failure!.message, /tried bash, sh/);
});

test('no permission: failed, naming the missing verb', async () => {
  const id = startOne(action('secret-db', ['db'], { argv: ['id'] }, false, 'restricted'), ['db']);
  await waitFor(() => row(id).state === 'failed', 'failure');
  assert.is(row(id).failure?.reason, 'forbidden');
  assert.match(row(id).failure!.message, /"create" verb on "pods\/exec"/);
});

test('a container that is not running is refused with the reason', async () => {
  const id = startOne(action('crashloop', ['app'], { argv: ['sh'] }, false), ['app']);
  await waitFor(() => row(id).state === 'failed', 'failure');
  assert.is(row(id).failure?.reason, 'containerNotRunning');
});

test('closing a live terminal ends its process in the sandbox', async () => {
  const id = startOne(action('web', ['nginx'], { argv: ['sleep', '300'] }, false), ['nginx']);
  await waitFor(() => row(id).state === 'interactive', 'connected');
  await waitFor(() => sandbox.liveProcessGroups().length > 0, 'the process runs');
  system.close(id);
  await waitFor(() => sandbox.liveProcessGroups().length === 0, 'no process left');
});

test.run();
