// The runner names what a test file left running (tests/support/left-running.ts): a child of the
// test process, and its child in turn, are seen with their commands; one that ended is not; one
// whose parent ended without it (adopted by init) is named as an orphan.
import { spawn } from 'node:child_process';
import process from 'node:process';
import * as assert from 'uvu/assert';
import { test } from '../support/test.ts';
import { commandOf, descendants, orphansSince } from '../support/left-running.ts';
import { adoptedByInit } from '../support/process-tree.ts';
import { waitFor } from '../support/wait.ts';

test('a process the tests started, and its own child, are descendants until they end', async () => {
  const child = spawn('sh', ['-c', 'sleep 61 & wait'], { stdio: 'ignore' });
  await waitFor(() => [...descendants()].some((pid) => commandOf(pid) === 'sleep 61'), 'the grandchild seen');
  assert.ok(descendants().has(child.pid!), 'the child');
  assert.match(commandOf(child.pid!), /\bsh -c sleep 61 & wait$/, 'its command (Deno spawns by full path)');
  const grandchild = [...descendants()].find((pid) => commandOf(pid) === 'sleep 61')!;
  process.kill(grandchild, 'SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  await waitFor(() => !descendants().has(child.pid!) && !descendants().has(grandchild), 'both gone');
});

test('a process whose parent ended without it is named as an orphan, and only since when asked', async () => {
  const before = adoptedByInit();
  const parent = spawn('sh', ['-c', 'sleep 63 & exit 0'], { stdio: 'ignore' });
  await new Promise((resolve) => parent.once('exit', resolve));
  await waitFor(() => orphansSince(before).some((named) => named.endsWith(' sleep 63')), 'the orphan named');
  const orphan = Number(orphansSince(before).find((named) => named.endsWith(' sleep 63'))!.split(' ')[0]);
  assert.not.ok(descendants().has(orphan), 'no descendant any more');
  process.kill(orphan, 'SIGKILL');
  await waitFor(() => !orphansSince(before).some((named) => named.endsWith(' sleep 63')), 'gone');
});

test.run();
