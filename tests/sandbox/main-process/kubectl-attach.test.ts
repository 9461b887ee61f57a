// Real kubectl 1.33 against the demo cluster's `console` pod (an interactive sh, stdin and tty):
// `kubectl attach -i` over WebSocket and over SPDY reaches the shell, closing stdin detaches and
// the shell goes on (the next attach finds it); `kubectl attach -it` in a real terminal gives the
// shell that terminal's size; `kubectl logs` shows what the shell wrote.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TMUX, apiRequest, kubectl, kubectlBinary, requireTool, startKubectl, startTestSandbox } from '../../support/sandbox.ts';
import { startTmux, type TmuxTerminal } from '../../support/tmux.ts';
import { waitAsking, waitFor, withTimeout } from '../../support/wait.ts';

requireTool(TMUX);
const sandbox = await startTestSandbox();
let terminal: TmuxTerminal | undefined;
test.after(async () => {
  terminal?.kill();
  await sandbox.close();
});

const consoleRunning = async () => {
  const pod = JSON.parse((await apiRequest(sandbox, '/api/v1/namespaces/default/pods/console')).body);
  return pod.status.containerStatuses[0].state.running !== undefined;
};

// The audit log tells the transports apart: a WebSocket upgrade is a GET (verb get), SPDY's a POST (create).
const transports: { name: string; env: Record<string, string>; verb: string }[] = [
  { name: 'WebSocket', env: {}, verb: 'get' },
  { name: 'SPDY', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }, verb: 'create' },
];
const attachVerb = (index: number) => readFileSync(sandbox.auditLogPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line)).filter((e) => e.objectRef?.subresource === 'attach')[index]?.verb;

for (const [round, transport] of transports.entries()) {
  test(`kubectl attach -i console over ${transport.name}: the shell runs what it is sent, and goes on after the detach`, async () => {
    const run = startKubectl(sandbox, '1.33', ['attach', '-i', 'console'], undefined, transport.env);
    let out = '';
    run.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const factor = 6 + round; // each round its own answer: output from an earlier attach cannot pass
    run.child.stdin!.write(`echo attached-$((${factor}*7))\n`);
    await waitFor(() => out.includes(`attached-${factor * 7}`), `attached-${factor * 7} from the console's shell`, 20_000);
    run.child.stdin!.end(); // detach
    const result = await withTimeout(run.done, 20_000, 'kubectl attach to end after stdin closed');
    assert.is(result.code, 0, result.stderr);
    assert.is(await waitFor(() => attachVerb(round), 'the audit record of the attach'), transport.verb);
    assert.ok(await consoleRunning(), 'the shell still runs');
  });
}

test('kubectl logs console shows what the shell wrote', async () => {
  const result = await kubectl(sandbox, '1.33', ['logs', 'console']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout.toString(), 'attached-42');
});

test('kubectl attach -it console in a real terminal: the shell gets the terminal size; killing kubectl ends nothing', async () => {
  const home = mkdtempSync(join(sandbox.scratch, 'home-'));
  const argv = [kubectlBinary('1.33'), '--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(home, 'cache'), 'attach', '-it', 'console'];
  const pane = (terminal = startTmux('attach', argv, { HOME: home }, { cols: 100, rows: 30 }));
  // kubectl says it is attached before it reads the keyboard; keys typed sooner may be lost.
  await pane.waitFor(/If you don't see a command prompt/, 'kubectl attached', 20_000);
  // kubectl prints that line before it connects, then sends the keys typed meanwhile and the
  // terminal's size from two goroutines: the keys can reach the shell first (stty says 24 80).
  await waitAsking(() => pane.keys('stty size', 'Enter'), () => /^30 100\s*$/m.test(pane.screen()), '"30 100" from stty size in the attached shell', 20_000).catch((error) => {
    throw new Error(`${(error as Error).message}; the screen: ${JSON.stringify(pane.screen())}`);
  });
  pane.kill();
  await waitFor(async () => (await consoleRunning()) && (await kubectl(sandbox, '1.33', ['logs', 'console', '--tail=5'])).stdout.toString().includes('30 100'), 'the shell to live on, with stty size in its log');
});

test('kubectl cp of a 5 MB random file into web and back: the same sha256', async () => {
  const file = join(sandbox.scratch, 'random.bin');
  execFileSync('sh', ['-c', `head -c ${5 * 1024 * 1024} /dev/urandom > ${file}`]);
  const into = await kubectl(sandbox, '1.33', ['cp', file, 'web:/tmp/random.bin', '-c', 'nginx']);
  assert.is(into.code, 0, into.stderr);
  const back = join(sandbox.scratch, 'back.bin');
  const out = await kubectl(sandbox, '1.33', ['cp', 'web:/tmp/random.bin', back, '-c', 'nginx']);
  assert.is(out.code, 0, out.stderr);
  const sha = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
  assert.is(sha(back), sha(file));
  const inside = await kubectl(sandbox, '1.33', ['exec', 'web', '-c', 'nginx', '--', 'sha256sum', '/tmp/random.bin']);
  assert.is(inside.stdout.toString().split(' ')[0], sha(file));
});

test('kubectl cp into distroless-app fails: it has no tar', async () => {
  const file = join(sandbox.scratch, 'small.txt');
  execFileSync('sh', ['-c', `echo hi > ${file}`]);
  const result = await kubectl(sandbox, '1.33', ['cp', file, 'distroless-app:/tmp/small.txt']);
  assert.is.not(result.code, 0);
  assert.match(result.stderr, /"tar": executable file not found/);
});

test.run();
