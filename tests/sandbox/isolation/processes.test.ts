// PID namespaces and the process limit: a container sees its own processes (and its pod's, with
// shareProcessNamespace), a fork bomb stops at the pod's limit while this machine and the other
// pods go on, all pods together stay under half this machine's process ids, and a container whose
// main process is killed comes back fresh at the next exec, in a new layer.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import process from 'node:process';
import { sandboxWideLimit } from '../../../src/sandbox/isolation/pids-limit.ts';
import { join } from 'node:path';
import { POD_PIDS_LIMIT, processesInNamespaceOf, run, sh, startLab } from './support.ts';
import { withTimeout } from '../../support/wait.ts';
import { waitFor } from '../../support/wait.ts';
import { openExec, type ExecSession } from '../../support/sandbox-exec-client.ts';

const sandbox = await startLab();
test.after(() => sandbox.close());

/** Starts a long exec and returns it with the host pid of its process inside the container. */
async function startLong(pod: string, container: string, command: string[]): Promise<{ session: ExecSession; inside: number }> {
  const before = new Set(sandbox.liveProcessGroups());
  const session = await openExec(sandbox, { namespace: 'lab', pod, container, command });
  const leader = await waitFor(() => sandbox.liveProcessGroups().find((g) => !before.has(g)), `${command.join(' ')} to start`);
  // The leader and its first descendants run on this machine's side (they join the container); the first in another PID namespace is inside.
  const inside = await waitFor(() => descendantElsewhere(leader), 'the process inside the container');
  return { session, inside };
}

/** The first descendant of `root` in a PID namespace other than its own. */
function descendantElsewhere(root: number): number | undefined {
  const namespace = (pid: number) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      return undefined; // gone
    }
  };
  const mine = namespace(root);
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // gone
    }
  }
  for (let level = children.get(root) ?? []; level.length > 0; level = level.flatMap((pid) => children.get(pid) ?? [])) {
    const inside = level.find((pid) => namespace(pid) !== undefined && namespace(pid) !== mine);
    if (inside) return inside;
  }
  return undefined;
}

test('containers of a shareProcessNamespace pod see each other; containers of another pod do not', async () => {
  const shared = await startLong('shared', 'a', ['sleep', '301']);
  const apart = await startLong('apart', 'a', ['sleep', '302']);
  try {
    const inShared = await run(sandbox, 'shared', ['ps', '-e', '-o', 'args='], 'b');
    assert.match(inShared.stdout, /^sleep 301$/m);
    const inApart = await run(sandbox, 'apart', ['ps', '-e', '-o', 'args='], 'b');
    assert.not.match(inApart.stdout, /sleep 30[12]/);
    const inOwn = await run(sandbox, 'apart', ['ps', '-e', '-o', 'args='], 'a');
    assert.match(inOwn.stdout, /^sleep 302$/m);
    assert.not.match(inOwn.stdout, /sleep 301/);
  } finally {
    shared.session.ws.close();
    apart.session.ws.close();
  }
});

test(`a fork bomb stops at the pod's limit (${POD_PIDS_LIMIT}) while this machine and the other pods go on`, async () => {
  // A process that outlives the bomb names the container's PID namespace.
  const witness = await startLong('bomb', 'main', ['sleep', '600']);
  // Every b waits for its pipeline, and bash retries a fork that fails: the bomb grows to the limit and holds there.
  const bomb = await startLong('bomb', 'main', ['bash', '-c', 'b() { b | b; }; b']);
  try {
    await waitFor(() => {
      const count = processesInNamespaceOf(witness.inside).length;
      assert.ok(count <= POD_PIDS_LIMIT, `${count} processes in the bomb's container`);
      assert.is(spawnSync('/bin/true').status, 0, 'this machine can still start a process');
      // the pod's own holders (its user and network namespaces', three processes each; one of the container's) and each exec's host side (three, and the next exec's launcher, two) count too
      return count >= POD_PIDS_LIMIT - 16;
    }, 'the bomb to reach the limit', 20_000);
    const other = await run(sandbox, 'victim', ['echo', 'still here']);
    assert.is(other.stdout, 'still here\n');
    assert.ok(processesInNamespaceOf(witness.inside).length <= POD_PIDS_LIMIT);
  } finally {
    bomb.session.ws.close();
    witness.session.ws.close();
  }
  assert.ok(sandbox.deletePod('lab', 'bomb'));
  await waitFor(() => sandbox.liveProcessGroups().length === 0, 'every exec to end', 15_000);
});

test('all pods together are held to half the process ids of this machine (bombs in many pods at once), where the sandbox has a cgroup', () => {
  const roots = ['/sys/fs/cgroup', '/sys/fs/cgroup/pids'];
  const mine = roots.flatMap((root) => (existsSync(root) ? readdirSync(root).filter((name) => name.startsWith(`octant-exec-sandbox-${process.pid}-`)).map((name) => join(root, name)) : []));
  if (process.getuid?.() !== 0) return assert.is(mine.length, 0, 'a user gets rlimits, not a cgroup');
  assert.is(mine.length, 1, `the sandbox's cgroup: ${mine.join(', ')}`);
  assert.is(Number(readFileSync(join(mine[0], 'pids.max'), 'utf8')), sandboxWideLimit());
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  assert.ok(sandboxWideLimit() <= pidMax / 2 && sandboxWideLimit() >= POD_PIDS_LIMIT);
});

test("killing every process of a container ends it; the next exec starts it again, fresh", async () => {
  await sh(sandbox, 'victim', 'echo before > /root/mark');
  const killed = await sh(sandbox, 'victim', 'kill -KILL -1; sleep 5');
  assert.is(killed.code, 137); // the container's PID namespace went with its init
  const again = await withTimeout(sh(sandbox, 'victim', 'cat /root/mark 2>&1; echo "cat=$?"'), 20_000, 'an exec into the restarted container');
  assert.match(again.stdout, /^cat=1$/m, `${again.stdout} (exit ${again.code})`);
  // A new layer of its own; the old one goes once its PID namespace, and every process in it, has
  // (moved aside at once, removed a moment later: writable-layer.ts).
  const layers = join(sandbox.stateDir, 'pods', 'lab', 'victim');
  await waitFor(() => readdirSync(layers).join(' ') === 'main.1', `only the new layer in ${layers}`, 10_000);
});

test("in a pod that shares its PID namespace, a restarted container's old layer is kept until the pod goes: processes of the old container may live on there", async () => {
  await sh(sandbox, 'shared', 'echo before > /root/mark', [], 'b');
  const layers = join(sandbox.stateDir, 'pods', 'lab', 'shared');
  const start = (name: string) => Number(name.split('.')[1]);
  const current = readdirSync(layers).filter((name) => name.startsWith('b.')).sort((x, y) => start(x) - start(y)).at(-1)!;
  assert.ok(existsSync(join(layers, current, 'root', 'mark')), `b's layer now is ${current}`);
  // b's pause (its root is b's), not the pod's: b ends, and whatever else b started lives on in the pod's PID namespace
  const killed = await sh(sandbox, 'shared', 'me=$(stat -c %i /); for p in $(pgrep -x pause); do [ "$(stat -Lc %i /proc/$p/root)" = "$me" ] && kill -KILL $p && echo killed; done', [], 'b');
  assert.match(killed.stdout, /^killed$/m, killed.stdout + killed.stderr);
  // its holder's end is heard a moment later: until then an exec finds the old container
  await waitFor(async () => /^cat=1$/m.test((await sh(sandbox, 'shared', 'cat /root/mark 2>&1; echo "cat=$?"', [], 'b')).stdout), 'an exec into the restarted container, fresh', 20_000);
  // removing it while they may still change it could be made to remove this machine's files (a folder swapped for a link)
  assert.is(readFileSync(join(layers, current, 'root', 'mark'), 'utf8'), 'before\n', 'the old layer is as it was');
  assert.ok(readdirSync(layers).includes(`b.${start(current) + 1}`), 'and the new one is another');
  assert.ok(sandbox.deletePod('lab', 'shared'));
  await waitFor(() => !existsSync(layers), 'every layer to go with the pod', 15_000);
});

test.run();
