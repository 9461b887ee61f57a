// A holder is known by its pid, and a holder that ended is the runtime's until its end is heard:
// had its pid gone to another process meanwhile (another pod's, say), an exec would have joined
// that process's namespaces. The launcher opens a holder's files through /proc/PID only while PID
// is the process that started when the holder did; an exec into a container whose holder's pid is
// no longer its own starts the container afresh.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { commandForStdin, launching, type ProcessFile } from '../../../src/sandbox/isolation/launcher.ts';
import { processStart, type Holder } from '../../../src/sandbox/isolation/holder.ts';
import { PodSandbox } from '../../../src/sandbox/isolation/pod-sandbox.ts';
import { PidsLimit } from '../../../src/sandbox/isolation/pids-limit.ts';
import { syscallFilterFor } from '../../../src/sandbox/isolation/syscall-filter.ts';
import type { PodFixture } from '../../../src/sandbox/fixture/fixture.ts';
import { withTimeout } from '../../support/wait.ts';

const tools = findIsolationTools();
if ('missing' in tools) throw new Error(tools.missing);
const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-pid-reuse-'));
const children: ChildProcess[] = [];
test.after(async () => {
  const ended = children.filter((child) => child.exitCode === null && child.signalCode === null).map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) child.kill('SIGKILL');
  await withTimeout(Promise.all(ended), 10_000, 'the stand-ins for holders to end');
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs `argv` to its end, with `input`; what it printed and its exit code. */
async function ran(argv: string[], input = ''): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'pipe', env: {} });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin!.on('error', () => {}); // EPIPE: a command that reads no input, or a launcher that refused, ended first
  child.stdin!.end(input);
  const code = await withTimeout(new Promise<number | null>((resolve) => child.once('close', resolve)), 15_000, `${argv[0]} to end`);
  return { stdout, stderr, code };
}

/** A process of this machine standing for a holder, and its file ns/net as a launcher is given it. */
function aHolder(): { pid: number; net: (startTime?: string) => ProcessFile } {
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  children.push(sleeper);
  const pid = sleeper.pid!;
  return { pid, net: (startTime = processStart(pid)!) => ({ pid, startTime, file: 'ns/net' }) };
}

const GONE = /^octant-exec sandbox: the container ended just as this was to join it \(its process \d+ is gone\): run it again, and the container starts afresh$/m;

test("a holder's file is opened only while its pid is still the process that started when it did; the command never runs otherwise", async () => {
  const holder = aHolder();
  const script = ['-c', 'readlink /proc/self/fd/3; echo ran'];
  const right = await ran(launching(tools.bash, { keepFds: 2, openFiles: [holder.net()] }, [tools.bash, ...script]));
  assert.is(right.stdout, `${readlinkSync(`/proc/${holder.pid}/ns/net`)}\nran\n`, right.stderr);
  // what a process given the pid later looks like: another start time
  const other = await ran(launching(tools.bash, { keepFds: 2, openFiles: [holder.net('1')] }, [tools.bash, ...script]));
  assert.is(other.code, 125);
  assert.is(other.stdout, '');
  assert.match(other.stderr, GONE);
});

test('a launcher started ahead of need names the files to its command as its own, and the command gets none of them open', async () => {
  const holder = aHolder();
  // the options go before the command's first "--": here, arguments of the script
  const command = [tools.bash, '-c', 'for a; do [ "$a" = -- ] && break; echo "${a%%=*}"; readlink "${a#*=}"; done; ls /proc/self/fd', 'probe', '--'];
  const launcher = launching(tools.bash, { keepFds: 2 });
  const right = await ran(launcher, commandForStdin(command, undefined, [{ option: '--net=', file: holder.net() }]));
  assert.is(right.stdout, `--net\n${readlinkSync(`/proc/${holder.pid}/ns/net`)}\n0\n1\n2\n3\n`, right.stderr); // 3: ls's own
  const other = await ran(launcher, commandForStdin(command, undefined, [{ option: '--net=', file: holder.net('1') }]));
  assert.is(other.code, 125);
  assert.is(other.stdout, '');
  assert.match(other.stderr, GONE);
});

test("an exec into a container whose holder ended, its pid now another pod's process's, runs in that container started afresh, never in the other pod", async () => {
  const pids = PidsLimit.create(64);
  const held = join(scratch, 'held');
  writeFileSync(held, '');
  const syscallFilter = await syscallFilterFor(tools);
  const fixture = (name: string): PodFixture => ({ name, containers: [{ name: 'main', shells: ['sh'], tools: ['coreutils'] }] });
  const start = (name: string) => PodSandbox.start({ tools, layersDir: join(scratch, 'pods', name), devicesDir: join(scratch, 'devices', name), pids: pids.forPod(name), held, syscallFilter }, fixture(name));
  const mine = await start('mine');
  const theirs = await start('theirs');
  try {
    const containers = (pod: PodSandbox) => (pod as unknown as { containers: Map<string, Promise<{ holder: Holder }>> }).containers;
    const running = await containers(mine).get('main')!;
    const other = (await containers(theirs).get('main')!).holder;
    running.holder.stop();
    await running.holder.ended;
    assert.is.not(processStart(other.nsPid), running.holder.startTime, 'the other process started at another time');
    // the runtime's record of the ended holder, its end not heard yet, and its pid now the other pod's holder's
    const reused: Holder = {
      ...running.holder,
      nsPid: other.nsPid,
      file: (name) => ({ pid: other.nsPid, startTime: running.holder.startTime, file: name }),
      alive: () => processStart(other.nsPid) === running.holder.startTime,
    };
    containers(mine).set('main', Promise.resolve({ ...running, holder: reused }));

    const prepared = await mine.prepareExec(fixture('mine').containers[0], ['cat', '/etc/hostname']);
    assert.ok('launch' in prepared, JSON.stringify(prepared));
    const child = (prepared as { launch: { start: (...args: unknown[]) => ChildProcess } }).launch.start({ kind: 'pipes' }, {});
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stdin!.end();
    await withTimeout(new Promise((resolve) => child.once('close', resolve)), 15_000, 'the exec to end');
    assert.is(stdout, 'mine\n');
  } finally {
    await Promise.all([mine.stop(), theirs.stop()]);
    await pids.close();
  }
});

test.run();
