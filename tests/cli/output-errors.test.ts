// A reader that goes away (`… | head -1`) ends a command quietly with 141, as SIGPIPE ends
// kubectl; a full disk ends it with one line and 1. Never a stack trace, whichever command.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { openSync, closeSync } from 'node:fs';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { startCli } from '../support/cli.ts';
import { withTimeout } from '../support/wait.ts';

const test = suite('output that cannot be written');
let sandbox: Sandbox & { scratch: string };

test.before(async () => {
  sandbox = await startTestSandbox();
});
test.after(() => sandbox.close());

/** Runs the command with the reading end of its stdout or stderr closed before it writes. */
async function readerGone(args: string[], gone: 'stdout' | 'stderr'): Promise<{ code: number | null; stderr: string }> {
  const cli = startCli(args);
  cli.child[gone]!.destroy();
  return { code: await withTimeout(cli.exit, 60_000, `octant-exec ${args.join(' ')}`), stderr: cli.stderr() };
}

const NO_TRACE = /\n\s+at |Unhandled|EPIPE/;

test('--help and completion scripts: 141, nothing said', async () => {
  for (const args of [['--help'], ['batch', '--help'], ['completion', 'bash']]) {
    const r = await readerGone(args, 'stdout');
    assert.equal([r.code, r.stderr], [141, ''], args.join(' '));
  }
});

test('batch --output json whose reader left: 141 with no trace (the document is written after the execs end)', async () => {
  const r = await readerGone(['batch', '--kubeconfig', sandbox.kubeconfigPath, '-n', 'batch', '-l', 'app=worker', '--output', 'json', '--', 'sh', '-c', 'echo out'], 'stdout');
  assert.is(r.code, 141, r.stderr);
  assert.not.match(r.stderr, NO_TRACE);
});

test("batch whose stderr's reader is gone (its cluster line, its commands' stderr lines and its summary go there): 141", async () => {
  const r = await readerGone(['batch', '--kubeconfig', sandbox.kubeconfigPath, '-n', 'batch', 'worker-0', '--', 'sh', '-c', 'echo e1 >&2; sleep 0.3; echo e2 >&2'], 'stderr');
  assert.is(r.code, 141);
});

test('a full disk: 1 and one line saying so', async () => {
  const full = openSync('/dev/full', 'w');
  try {
    const cli = startCli(['--help'], { stdout: full });
    const code = await withTimeout(cli.exit, 60_000, 'octant-exec --help > /dev/full');
    assert.is(code, 1, cli.stderr());
    assert.match(cli.stderr(), /^octant-exec: cannot write its output: (ENOSPC: no space left on device, write|No space left on device \(os error 28\))\n$/, 'Node\'s words, or Deno\'s');
  } finally {
    closeSync(full);
  }
});

test.run();
