// A sandbox started on the state directory of one that was killed: the killed run's holders end a
// moment later on their own, writing into its layers meanwhile. Their pods are removed only once
// no process keeps their run's file open (every holder's launcher does while it lives); a removal
// racing them failed the restart with ENOTEMPTY (CI, tests/reliability/crash.test.ts under Deno).
// A stand-in plays the killed run's holder: a process that keeps the file open and writes into a
// layer it sits in, as a container does through its bind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { startBubblewrapRuntime } from '../../../src/sandbox/isolation/bubblewrap-runtime.ts';
import { processesHolding, removeEarlierPods } from '../../../src/sandbox/isolation/earlier-pods.ts';
import { defaultToolDirs, findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { launching } from '../../../src/sandbox/isolation/launcher.ts';
import { isRunning } from '../../support/process-tree.ts';
import { waitFor, withTimeout } from '../../support/wait.ts';

const found = findIsolationTools();
if ('missing' in found) throw new Error(found.missing);
const tools = found;
/** a killed run's file that its holders kept open (earlier-pods.ts names a run's) */
const HELD_FILE = '.held-killed-run';
const dirs: string[] = [];
const children: ChildProcess[] = [];
const ended = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
test.after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await withTimeout(Promise.all(children.map(ended)), 10_000, 'the stand-ins to end');
  // GNU rm: what a failed test left may be deeper than rmSync can go
  for (const dir of dirs) spawnSync('rm', ['-rf', '--one-file-system', dir]);
});

/** A state directory whose pods folder a killed run left, and that run's holder stand-in, writing into a layer. */
async function killedRun(): Promise<{ stateDir: string; podsDir: string; holder: ChildProcess }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-'));
  dirs.push(stateDir);
  const podsDir = join(stateDir, 'pods');
  const layer = join(podsDir, 'lab', 'victim', 'main.0');
  mkdirSync(layer, { recursive: true });
  writeFileSync(join(podsDir, HELD_FILE), '');
  // it ends with this process however this one ends ($PPID stays this process's pid)
  const writing = 'exec 9<"$1"; cd "$2" && echo ready; i=0; while [[ -e /proc/$PPID ]]; do : > "f$((i++ % 5000))" 2>/dev/null; done';
  const holder = spawn('bash', ['-c', writing, 'holder', join(podsDir, HELD_FILE), layer], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(holder);
  await withTimeout(new Promise((resolve) => holder.stdout!.once('data', resolve)), 10_000, 'the stand-in holder to start');
  await waitFor(() => readdirSync(layer).length > 100, 'the stand-in to write into its layer', 10_000);
  return { stateDir, podsDir, holder };
}

const setAside = (stateDir: string) => readdirSync(stateDir).filter((name) => name.startsWith('pods.earlier-'));

test("a killed run's pods are set aside at once and removed once its holders have ended, not before", async () => {
  const { stateDir, podsDir, holder } = await killedRun();
  let removed: 'while the holder lived' | 'after it ended' | undefined;
  const removal = removeEarlierPods(tools, stateDir, podsDir).then((said) => ((removed = isRunning(holder.pid!) ? 'while the holder lived' : 'after it ended'), said));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.not.ok(existsSync(podsDir), 'the pods folder is free for this run at once');
  assert.is(setAside(stateDir).length, 1, "the earlier run's pods wait beside it");
  assert.is(removed, undefined, 'not removed while its holder lives');
  holder.kill('SIGKILL');
  assert.is(await withTimeout(removal, 10_000, 'the removal'), undefined);
  assert.is(removed, 'after it ended');
  assert.equal(setAside(stateDir), [], 'and gone');
});

test('pods still in use after the wait stay, a sentence names them and their processes, and the next start removes them', async () => {
  const { stateDir, podsDir, holder } = await killedRun();
  const said = await removeEarlierPods(tools, stateDir, podsDir, 200);
  assert.match(said ?? '', new RegExp(`still in use by its processes 0.2 s after this start, so their files stay: ${stateDir}/pods\\.earlier-[^ ]+ \\(processes ${holder.pid}\\)\\. End those processes; the next start removes them`));
  assert.is(setAside(stateDir).length, 1);
  holder.kill('SIGKILL');
  await waitFor(async () => (await removeEarlierPods(tools, stateDir, podsDir, 200)) === undefined, 'a later start to remove them', 10_000);
  assert.equal(setAside(stateDir), []);
});

test('a state directory named relatively, or through a symbolic link, finds its holders all the same', async () => {
  const { stateDir, podsDir, holder } = await killedRun();
  const links = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-'));
  dirs.push(links);
  symlinkSync(stateDir, join(links, 'state'));
  // /proc names the held file by its resolved path; `--state-dir ./state` is neither
  for (const named of [relative(process.cwd(), stateDir), join(links, 'state')]) {
    const said = await removeEarlierPods(tools, named, join(named, 'pods'), 200);
    assert.match(said ?? '', new RegExp(`still in use .*\\(processes ${holder.pid}\\)`), `given as ${named}`);
  }
  assert.not.ok(existsSync(podsDir));
  assert.is(setAside(stateDir).length, 1, 'their files stay while the holder lives');
  holder.kill('SIGKILL');
  await withTimeout(ended(holder), 10_000, 'the stand-in holder to end');
});

test('a process of another mount namespace holding a file of the same path in its own root is no holder', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-'));
  const root = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-root-'));
  dirs.push(stateDir, root);
  const aside = join(stateDir, 'pods.earlier-x');
  mkdirSync(aside);
  mkdirSync(join(root, aside), { recursive: true });
  writeFileSync(join(root, aside, 'f'), '');
  const inside = ['--die-with-parent', '--unshare-user', '--unshare-pid', '--bind', root, '/', '--ro-bind', '/usr', '/usr', '--proc', '/proc'];
  for (const dir of ['bin', 'lib', 'lib64']) inside.push('--symlink', `usr/${dir}`, `/${dir}`);
  const other = spawn(tools.bwrap, [...inside, '--', '/usr/bin/bash', '-c', `exec 7<"${aside}/f"; echo ready; read -r _`], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(other);
  await withTimeout(new Promise((resolve) => other.stdout!.once('data', resolve)), 10_000, 'the other namespace\'s process to open its file');
  const naming = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === `${aside}/f`);
      } catch {
        return false;
      }
    });
  assert.is(naming.length, 1, 'its open file reads as a path under the folder');
  assert.equal(processesHolding(aside), [], 'but the file there is another');
  other.stdin!.end(); // it reads to its end, then ends with its namespace
  await withTimeout(ended(other), 10_000, 'the other namespace\'s process to end');
});

test("the bubblewrap runtime started on a killed run's state directory starts once that run's holders ended, on an empty pods folder", async () => {
  const { stateDir, podsDir, holder } = await killedRun();
  let startedWhileHolderLived: boolean | undefined;
  const starting = startBubblewrapRuntime({ stateDir, podPidsLimit: 64 }).then((runtime) => ((startedWhileHolderLived = isRunning(holder.pid!)), runtime));
  starting.catch(() => {}); // a start that fails while the holder lives fails the await below
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(startedWhileHolderLived, undefined, 'it waits while the holder lives');
  holder.kill('SIGKILL');
  const runtime = await withTimeout(starting, 20_000, 'the runtime to start');
  try {
    assert.is(startedWhileHolderLived, false);
    assert.equal(runtime.warnings.filter((warning) => /earlier run/.test(warning)), []);
    assert.match(readdirSync(podsDir).join(' '), /^\.held-[a-z0-9]+-\d+$/, `nothing but its own run's file: ${readdirSync(podsDir).join(' ')}`);
    assert.equal(setAside(stateDir), []);
  } finally {
    await runtime.close();
  }
});

test("a holder's launcher keeps its run's file open, not the command it starts; with the file gone it starts nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-'));
  dirs.push(dir);
  const held = join(dir, HELD_FILE);
  writeFileSync(held, '');
  const fdsFile = join(dir, 'fds');
  const run = (holdOpen: string) => {
    const [file, ...args] = launching(tools.bash, { keepFds: 2, endGroup: true, holdOpen }, [tools.bash, '-c', `ls -l /proc/$PPID/fd /proc/$$/fd > ${fdsFile}`]);
    const child = spawn(file, args, { stdio: 'ignore', detached: true });
    children.push(child);
    return new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  };
  await run(held);
  const [launcher, command] = readFileSync(fdsFile, 'utf8').split(/\n\n/);
  assert.ok(launcher.includes(held), `the launcher holds it:\n${launcher}`);
  assert.not.ok(command.includes(held), `the command does not:\n${command}`);

  rmSync(fdsFile);
  assert.is.not(await run(join(dir, 'set-aside', HELD_FILE)), '0');
  assert.not.ok(existsSync(fdsFile), 'the command never ran');
});

/** A killed run's pods folder holding a tree deeper than PATH_MAX (a container's `/tmp`), and no process of it left. */
function deepEarlierRun(): { stateDir: string; podsDir: string } {
  const stateDir = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-'));
  dirs.push(stateDir);
  const podsDir = join(stateDir, 'pods');
  const layer = join(podsDir, 'lab', 'victim', 'main.0');
  mkdirSync(join(layer, 'tmp'), { recursive: true });
  writeFileSync(join(podsDir, HELD_FILE), '');
  const deep = 'cd "$1" && for i in $(seq 120); do mkdir dddddddddddddddddddddddddddddddddddddddddddddddddd && cd dddddddddddddddddddddddddddddddddddddddddddddddddd || exit 1; done; [ "$(pwd | wc -c)" -gt 4096 ]';
  const made = spawnSync('bash', ['-c', deep, 'bash', join(layer, 'tmp')], { encoding: 'utf8' });
  assert.is(made.status, 0, made.stderr);
  return { stateDir, podsDir };
}

test("a killed run's pods deeper than PATH_MAX are removed (rmSync threw ENAMETOOLONG, and every later start failed)", async () => {
  const { stateDir, podsDir } = deepEarlierRun();
  assert.is(await removeEarlierPods(tools, stateDir, podsDir, 200), undefined);
  assert.equal(readdirSync(stateDir), [], 'nothing earlier is left');
});

test('a start with earlier pods it cannot remove goes on, says which folder stays and that the next start tries again; the next one removes it', async () => {
  const { stateDir } = deepEarlierRun();
  // an rm that removes nothing: the other tools are this machine's
  const toolDir = mkdtempSync(join(tmpdir(), 'octant-exec-earlier-pods-tools-'));
  dirs.push(toolDir);
  symlinkSync('/usr/bin/false', join(toolDir, 'rm'));
  const runtime = await withTimeout(startBubblewrapRuntime({ stateDir, podPidsLimit: 64, toolDirs: [toolDir, ...defaultToolDirs()] }), 20_000, 'the runtime to start');
  let left: string;
  try {
    const [warning, ...more] = runtime.warnings.filter((text) => /earlier run/.test(text));
    assert.equal(more, []);
    const said = new RegExp(`^the pods of an earlier run could not all be removed: the files in ${stateDir}/pods\\.earlier-[^ ]+ could not all be removed \\(rm in bubblewrap ended with 1\\): what is left of them is in (${stateDir}/\\.removing-\\w+)\\. The next start tries again; or delete that folder yourself$`);
    assert.match(warning ?? '', said);
    left = said.exec(warning!)![1]!;
    assert.ok(existsSync(left));
  } finally {
    await runtime.close(); // with this rm its own pods stay too (aside, said on stderr): the next start removes them as well
  }
  const again = await withTimeout(startBubblewrapRuntime({ stateDir, podPidsLimit: 64 }), 20_000, 'the next runtime to start');
  try {
    assert.equal(again.warnings.filter((text) => /earlier run/.test(text)), []);
    assert.not.ok(existsSync(left), 'removed by the next start');
    assert.equal(readdirSync(stateDir).filter((name) => name.startsWith('pods.earlier-') || name.startsWith('.removing-')), [], 'nothing earlier is left');
  } finally {
    await again.close();
  }
});

test.run();
