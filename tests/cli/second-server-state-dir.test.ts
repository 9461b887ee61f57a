// A second server on a state directory a first one is running on stops, naming the first
// (docs/operations.md, log/writer.lock). It must stop before it touches anything of the first's:
// the sandbox cluster's files (kubeconfig, CA, pods' folders) are in the same directory.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type Cli } from '../support/cli.ts';
import { killAndRemove } from '../support/killed-state-dir.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const test = suite('a second server on one state directory', { deadlineMs: 150_000 });
const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-second-server-'));
const started: Cli[] = [];
test.after(() => killAndRemove(started, scratch));

const serve = (stateDir: string): Cli => {
  const cli = startCli(['--sandbox', '--json', '--port', '0', '--state-dir', stateDir]);
  started.push(cli);
  return cli;
};

test("the second stops naming the first, and the first's sandbox files are as they were", async () => {
  const stateDir = join(scratch, 'state');
  const first = serve(stateDir);
  await waitFor(() => first.stdout.length > 0 || first.child.exitCode !== null, 'the first server ready', 60_000);
  assert.ok(first.stdout.length > 0, first.stderr());
  const kubeconfig = join(stateDir, 'sandbox', 'kubeconfig');
  const before = readFileSync(kubeconfig, 'utf8');
  assert.ok(existsSync(join(stateDir, 'sandbox', 'pods')), 'the sandbox has its pods');

  const second = serve(stateDir);
  const code = await withTimeout(second.exit, 60_000, 'the second server to stop');
  assert.is(code, 1, second.stderr());
  assert.match(second.stderr(), /is being written by process \d+ \(another octant-exec\?\)/);
  assert.is(readFileSync(kubeconfig, 'utf8'), before, "the first's sandbox kubeconfig was replaced");
  assert.ok(existsSync(join(stateDir, 'sandbox', 'pods')), "the first's sandbox pods' folders were removed");

  first.child.kill('SIGTERM');
  await withTimeout(first.exit, 30_000, 'the first server to stop');
});

test.run();
