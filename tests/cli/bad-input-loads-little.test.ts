// Bad input is answered before the cluster client (and the server) load: `octant-exec serve` with
// flags that do not fit took 5 s to say so, loading the whole server first. Each command line
// here is refused with its usage line, and nothing of @kubernetes/client-node was loaded (a
// preloaded resolve hook says when it is: fixtures/client-node-probe.mjs). Run under Node
// whatever runtime runs the suite: what is loaded is the command's module graph, the same in both.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const probe = fileURLToPath(new URL('./fixtures/client-node-probe.mjs', import.meta.url));
const kubeconfig = '/nonexistent/kubeconfig';

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['--import', 'tsx', '--import', probe, main, ...args], { timeout: 60_000 }, (error, _stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stderr }));
  });
}

test('the probe sees client-node loaded by a command that gets as far as the cluster', async () => {
  const { stderr } = await run(['batch', '--kubeconfig', kubeconfig, 'web', '--', 'id']);
  assert.match(stderr, 'client-node loaded');
});

test('serve and batch refuse bad flags with their usage line, exit 2, before loading the cluster client', async () => {
  const cases: [string[], RegExp][] = [
    [['serve', '--kubeconfig', kubeconfig, '--store', 'postgres://u@h/db'], /a shared --store needs --advertise URL/],
    [['serve', '--kubeconfig', kubeconfig, '--advertise', 'http://127.0.0.1:1'], /--advertise is for replicas sharing a --store/],
    [['batch', '--kubeconfig', kubeconfig, 'web', 'api', 'web', '--', 'id'], /pod web is named twice/],
    [['batch', '--kubeconfig', kubeconfig, '-l', 'app=web', '--concurrency', '0', '--', 'id'], /--concurrency/],
  ];
  for (const [args, line] of cases) {
    const { code, stderr } = await run(args);
    assert.is(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, line);
    assert.not.match(stderr, 'client-node loaded', args.join(' '));
  }
});

test.run();
