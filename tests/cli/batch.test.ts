// `octant-exec batch` against the sandbox cluster, as a user runs it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import process from 'node:process';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { cliArgv, runCli, startCli } from '../support/cli.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const test = suite('octant-exec batch');
let sandbox: Sandbox & { scratch: string };

test.before(async () => {
  sandbox = await startTestSandbox();
});
test.after(() => sandbox.close());

const batch = (...args: string[]) => runCli(['batch', '--kubeconfig', sandbox.kubeconfigPath, ...args]);

test("every container of the worker pods: six results with the right pod names, their stderr on ours, summary 6 succeeded", async () => {
  const r = await batch('-n', 'batch', '-l', 'app=worker', '--all-containers', '--', 'sh', '-c', 'echo $HOSTNAME; echo to-stderr >&2');
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').sort();
  assert.equal(lines, ['worker-0/logger | worker-0', 'worker-0/main | worker-0', 'worker-1/logger | worker-1', 'worker-1/main | worker-1', 'worker-2/logger | worker-2', 'worker-2/main | worker-2']);
  assert.match(r.stderr, /6 succeeded, 0 failed, 0 skipped/);
  assert.is(r.stderr.match(/^worker-\d\/(main|logger) ! to-stderr$/gm)?.length, 6, 'the commands\' stderr on ours, marked, not among the output');
});

test('one failing container makes the exit status 1 and the summary names it, first', async () => {
  const r = await batch('-n', 'batch', '-l', 'app=worker', '-c', 'main', '--output', 'grouped', '--', 'sh', '-c', 'test $HOSTNAME != worker-1');
  assert.is(r.code, 1);
  const table = r.stderr.split('\n').filter((line) => line.includes('/main'));
  assert.match(table[0], /^worker-1\/main .* exit 1$/);
  assert.match(r.stderr, /2 succeeded, 1 failed, 0 skipped/);
  assert.match(r.stdout, /==> worker-1\/main \(exit 1\) <==/);
});

test('--concurrency 2 never has more than two execs at once in the cluster', async () => {
  sandbox.resetPeakConcurrentExecs();
  const r = await batch('-n', 'batch', '-l', 'app=worker', '--all-containers', '--concurrency', '2', '--', 'sleep', '0.3');
  assert.is(r.code, 0, r.stderr);
  assert.is(sandbox.peakConcurrentExecs(), 2);
});

test('a container that is not running is reported as skipped, with the reason', async () => {
  const r = await batch('--output', 'json', 'web', 'pod/crashloop', '--', 'true'); // pod/NAME: kubectl's way of writing it
  assert.is(r.code, 1);
  const doc = JSON.parse(r.stdout);
  const crash = doc.results.find((x: { pod: string }) => x.pod === 'crashloop');
  assert.is(crash.state, 'skipped');
  assert.match(crash.reason, /CrashLoopBackOff/);
  assert.equal(doc.totals, { succeeded: 1, failed: 0, skipped: 1, notStarted: 0, cancelled: 0 });
});

test("a selector the cluster cannot parse, or one that matches nothing, gets the cluster's or our sentence and exit 1, no stack trace", async () => {
  const unparsable = await batch('-l', 'app=((', '--', 'true');
  assert.is(unparsable.code, 1);
  assert.match(unparsable.stderr, /^octant-exec batch: The cluster could not list pods in namespace "default" as asked \(400\)\. The cluster said: .*selector/m);
  assert.not.match(unparsable.stderr, /\n\s+at /, 'no stack trace');
  const none = await batch('-n', 'batch', '-l', 'app=nomatch', '--', 'true');
  assert.is(none.code, 1);
  assert.match(none.stderr, /octant-exec batch: no pod in namespace "batch" matches "app=nomatch"/);
  const nowhere = await batch('-n', 'nosuchns', '-l', 'app=worker', '--', 'true');
  assert.is(nowhere.code, 1);
  assert.match(nowhere.stderr, /octant-exec batch: there is no namespace "nosuchns" \(the cluster has .*batch.*\): give one with -n/);
  assert.is(none.stdout, '');
});

test('Ctrl-C stops a batch: each run is said stopped, one never begun is counted as such, and the exit is 130 as a shell gives', async () => {
  const before = sandbox.execCount();
  const cli = startCli(['batch', '--kubeconfig', sandbox.kubeconfigPath, '-n', 'batch', '-l', 'app=worker', '-c', 'main', '--concurrency', '2', '--', 'sleep', '60']);
  try {
    await waitFor(() => sandbox.execCount() >= before + 2, 'two of the three execs to run', 30_000);
    process.kill(cli.child.pid!, 'SIGINT'); // not child.kill: Deno's records the signal as the cause of death even when it is handled
    assert.is(await withTimeout(cli.exit, 30_000, 'the batch to end'), 130, cli.stderr());
    assert.is(cli.stderr().match(/stopped: the batch was interrupted/g)?.length, 2, cli.stderr());
    assert.match(cli.stderr(), /\n0 succeeded, 2 failed, 0 skipped, 1 not started\n/);
  } finally {
    cli.child.kill('SIGKILL');
  }
});

test('a reader that leaves (| head -1) ends the batch quietly with 141, as SIGPIPE ends kubectl: no stack trace, no summary', async () => {
  const argv = cliArgv(['batch', '--kubeconfig', sandbox.kubeconfigPath, '-n', 'batch', '-l', 'app=worker', '--all-containers', '--', 'seq', '1', '200000']);
  const shell = spawn('bash', ['-c', '"$@" | head -1; echo "status=${PIPESTATUS[0]}" >&2', 'pipeline', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH!, HOME: sandbox.scratch } });
  let out = '';
  let err = '';
  shell.stdout!.on('data', (c: Buffer) => (out += c));
  shell.stderr!.on('data', (c: Buffer) => (err += c));
  await withTimeout(new Promise((resolve) => shell.on('close', resolve)), 60_000, 'the pipeline to end');
  assert.match(out, /^worker-\d\/\w+ \| 1\n$/);
  assert.match(err, /status=141\n$/, err);
  assert.not.match(err, /EPIPE|\n\s+at |succeeded/, 'nothing but the cluster line');
});

test('--output json when the batch cannot begin is still a JSON document, saying why', async () => {
  const none = await batch('-n', 'batch', '-l', 'app=nomatch', '--output', 'json', '--', 'true');
  assert.is(none.code, 1);
  const doc = JSON.parse(none.stdout);
  assert.equal(doc.results, []);
  assert.equal(doc.totals, { succeeded: 0, failed: 0, skipped: 0, notStarted: 0, cancelled: 0 });
  assert.match(doc.error, /no pod in namespace "batch" matches "app=nomatch"/);
});

test('a cluster that takes the connection and never answers: Ctrl-C ends the batch at once, and --request-timeout gives up', async () => {
  const held: Socket[] = [];
  const silent = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const kubeconfig = join(sandbox.scratch, 'silent-kubeconfig');
  const server = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster: {server: "${server}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: s\n  context: {cluster: s, user: u, namespace: batch}\ncurrent-context: s\n`);
  try {
    const cli = startCli(['batch', '--kubeconfig', kubeconfig, '-l', 'app=worker', '--output', 'json', '--', 'true']);
    try {
      await waitFor(() => held.length > 0, 'the batch to ask the cluster', 30_000);
      process.kill(cli.child.pid!, 'SIGINT');
      assert.is(await withTimeout(cli.exit, 20_000, 'the batch to end on Ctrl-C'), 130, cli.stderr());
      const doc = JSON.parse(cli.stdout.join('\n'));
      assert.equal([doc.error, doc.results], ['interrupted while the pods were being listed: nothing was run', []], '--output json: a document still');
    } finally {
      cli.child.kill('SIGKILL');
    }
    const late = await runCli(['batch', '--kubeconfig', kubeconfig, '-l', 'app=worker', '--request-timeout', '1', '--', 'true'], 30_000);
    assert.is(late.code, 1, late.stderr);
    assert.match(late.stderr, new RegExp(`octant-exec batch: the cluster at ${server} did not answer within 1 s: .*--request-timeout`));
  } finally {
    for (const socket of held) socket.destroy();
    silent.close();
  }
});

test('bad command lines get one line and exit 2, before any cluster call', async () => {
  const noCommand = await batch('-l', 'app=worker');
  assert.is(noCommand.code, 2);
  assert.match(noCommand.stderr, /no command given/);
  const badPod = await batch('Web/../x', '--', 'id');
  assert.is(badPod.code, 2);
  assert.match(badPod.stderr, /not a valid pod name/);
});

test.run();
