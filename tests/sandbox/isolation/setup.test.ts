// Where isolation cannot be had, the sandbox says so in one line and what to do: bubblewrap (or
// another tool) missing, or user namespaces refused. --sandbox-unisolated runs it as plain
// processes instead, and says that too.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import process from 'node:process';
import { join } from 'node:path';
import { findIsolationTools, defaultToolDirs } from '../../../src/sandbox/isolation/host-tools.ts';
import { startBubblewrapRuntime } from '../../../src/sandbox/isolation/bubblewrap-runtime.ts';
import { startTestSandbox } from '../../support/sandbox.ts';
import { withTimeout } from '../../support/wait.ts';
import { runExec } from '../../support/sandbox-exec-client.ts';

const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-isolation-setup-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder of this machine's isolation tools, bwrap replaced by `script` (given the real one's path). */
function toolsWithBwrap(name: string, script: (bwrap: string) => string): string {
  const dir = join(scratch, name);
  const real = findIsolationTools();
  if ('missing' in real) throw new Error(real.missing);
  mkdirSync(dir);
  for (const [tool, path] of Object.entries(real)) if (tool !== 'bwrap') symlinkSync(path, join(dir, tool));
  writeFileSync(join(dir, 'bwrap'), script(real.bwrap), { mode: 0o755 });
  return dir;
}

test('every tool is found on this machine', () => {
  const tools = findIsolationTools(defaultToolDirs());
  assert.not.ok('missing' in tools, 'missing' in tools ? tools.missing : '');
});

test('without bubblewrap: one line that says how to install it, and the way around', () => {
  const found = findIsolationTools([join(scratch, 'nothing-here')]);
  assert.ok('missing' in found);
  const line = (found as { missing: string }).missing;
  assert.not.match(line, '\n');
  assert.match(line, 'bwrap');
  assert.match(line, 'sudo apt-get install -y bubblewrap');
  assert.match(line, '--sandbox-unisolated');
});

test('user namespaces refused: start-up fails with bubblewrap\'s reason and what to turn on', async () => {
  // What bwrap prints where the kernel (or AppArmor) refuses unprivileged user namespaces.
  const dir = toolsWithBwrap('refusing', () => '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
  const error = await startBubblewrapRuntime({ stateDir: join(scratch, 'state'), podPidsLimit: 64, toolDirs: [dir] }).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(error, 'start-up went on without isolation');
  assert.not.match(error!.message, '\n');
  assert.match(error!.message, 'bwrap: setting up uid map: Permission denied');
  assert.match(error!.message, 'user.max_user_namespaces');
  assert.match(error!.message, '--sandbox-unisolated');
  // the host's checks are made once per process for tools that pass them (bubblewrap-runtime.ts): one that failed is made again
  const again = await startBubblewrapRuntime({ stateDir: join(scratch, 'state'), podPidsLimit: 64, toolDirs: [dir] }).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.match(again?.message ?? 'the second start went on without isolation', 'bwrap: setting up uid map: Permission denied');
});

test('network namespaces refused in user namespaces (user.max_net_namespaces=0): start-up says so, not every exec after a ready line', async () => {
  // bubblewrap as it answers such a kernel when asked for a network namespace, else the real one
  const dir = toolsWithBwrap(
    'no-netns',
    (bwrap) => `#!/bin/sh\nfor a in "$@"; do [ "$a" = --unshare-net ] && { echo "bwrap: Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces exceeded (ENOSPC)" >&2; exit 1; }; done\nexec ${bwrap} "$@"\n`,
  );
  const error = await startBubblewrapRuntime({ stateDir: join(scratch, 'state-no-netns'), podPidsLimit: 64, toolDirs: [dir] }).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(error, 'start-up went on, and every exec would fail');
  assert.match(error!.message, 'max_*_namespaces exceeded');
  assert.match(error!.message, 'user.max_net_namespaces');
});

test('isolation "none" runs the containers as plain processes, and says so', async () => {
  const sandbox = await startTestSandbox({ isolation: 'none' });
  try {
    assert.is(sandbox.isolation, 'none');
    assert.match(sandbox.warnings.join('\n'), 'NOT isolated');
    const session = await withTimeout(runExec(sandbox, { pod: 'web', container: 'nginx', command: ['sh', '-c', 'echo "$PATH"'] }), 30_000, 'an unisolated exec');
    assert.match(session.stdout(), /containers\/default\/web\/nginx\/bin\n$/);
  } finally {
    await sandbox.close();
  }
});

test('a relative state directory (--state-dir relstate) works: the containers start, though their launchers run from /', async () => {
  const before = process.cwd();
  process.chdir(scratch);
  let sandbox: Awaited<ReturnType<typeof startTestSandbox>> | undefined;
  try {
    sandbox = await startTestSandbox({ stateDir: 'relstate' });
    process.chdir(before); // the sandbox keeps what it resolved
    const session = await withTimeout(runExec(sandbox, { pod: 'web', container: 'nginx', command: ['echo', 'in'] }), 30_000, 'an exec under a relative state directory');
    assert.is(session.stdout(), 'in\n');
  } finally {
    process.chdir(before);
    await sandbox?.close();
  }
});

test('the default is bubblewrap, with no warning where a pids cgroup or an rlimit bounds each pod', async () => {
  const sandbox = await startTestSandbox();
  try {
    assert.is(sandbox.isolation, 'bubblewrap');
    assert.equal(sandbox.warnings, []);
  } finally {
    await sandbox.close();
  }
});

test.run();
