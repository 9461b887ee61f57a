// What a test file leaves running (a sandbox holder leads its own process group; a server such as
// pg_ctl's postgres outlives its starter and is ended by the file's atRunEnd clean-up) must not
// outlive the run when the file's test worker ends early: a Ctrl-C of `npm test` (SIGINT to the
// terminal's whole foreground group), or a file that kills its worker (process.exit, as a crash).
// The one-process runner under tsx turned a Ctrl-C into process.exit, so its atRunEnd clean-ups
// ran; a worker (no tsx CLI above it) died of the signal with none run. The runner itself, cut
// short, says so, names each file it cut short, reports no run, leaves none of its folders and dies
// of the signal.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { waitFor, withTimeout } from '../support/wait.ts';
import { withTempDir } from '../support/temp-dir.ts';

const root = new URL('../..', import.meta.url).pathname;
const runner = join(root, 'tests/run.ts');
const support = join(root, 'tests/support');
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

/** A test file that starts a holder and a server, says their pids in `pidsFile`, then does `then`. */
const leaver = (pidsFile: string, then: string) => `import { test } from '${support}/test.ts';
import { atRunEnd } from '${support}/run-end.ts';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
test('leaves a holder and a server', async () => {
  const server = Number(execFileSync('sh', ['-c', 'setsid sleep 1000 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).trim());
  atRunEnd(() => { try { process.kill(server, 'SIGKILL'); } catch {} });
  const holder = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
  writeFileSync('${pidsFile}', JSON.stringify({ server, holder: holder.pid }));
  ${then}
});
test.run();
`;
const quick = `import { test } from '${support}/test.ts';\ntest('quick', () => {});\ntest.run();\n`;

/** The runner as `npm test` (Node with tsx's loader) or `deno task test` run it, on `dir`/tests, its own process group as a terminal's job is. */
function startRunner(dir: string, jobs = 2): { child: ChildProcess; closed: Promise<number | null>; signal: () => NodeJS.Signals | null; output: () => string } {
  const tmp = join(dir, 'tmp'); // the runner's own temp folders, removed with `dir` whatever happens
  mkdirSync(tmp);
  const [file, pre] = deno ? [deno.execPath(), ['run', '-A', runner]] : [process.execPath, ['--import', 'tsx', runner]];
  const child = spawn(file, [...pre, relative(root, join(dir, 'tests'))], { cwd: root, detached: true, env: { ...process.env, TEST_JOBS: String(jobs), TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, closed, signal: () => child.signalCode, output: () => output };
}

/** Runs `body` with the runner started on `dir`; whatever happens, its process group is gone after. */
async function withRunner(dir: string, body: (run: ReturnType<typeof startRunner>) => Promise<void>, jobs = 2): Promise<void> {
  const run = startRunner(dir, jobs);
  try {
    await body(run);
  } finally {
    try {
      process.kill(-run.child.pid!, 'SIGKILL');
    } catch {
      // the run ended
    }
  }
}

/** Running: /proc has it and it is no zombie. */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

async function checkEnded(pidsFile: string, output: string): Promise<void> {
  const pids = JSON.parse(readFileSync(pidsFile, 'utf8')) as { server: number; holder: number };
  try {
    await waitFor(() => !running(pids.server), `the server the file ended at its run's end (pid ${pids.server}) to be gone`, 5_000).catch(() => assert.unreachable(`the file's atRunEnd clean-up never ran: its server ${pids.server} outlived the run\n${output}`));
    await waitFor(() => !running(pids.holder), `the holder (pid ${pids.holder}) to be gone`, 5_000).catch(() => assert.unreachable(`the holder ${pids.holder} the file left outlived the run\n${output}`));
  } finally {
    for (const pid of [pids.server, pids.holder]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended, as it should be
      }
    }
  }
}

test('a Ctrl-C of the run ends what the running files left, runs their atRunEnd clean-ups, and leaves none of its folders', () =>
  withTempDir(async (dir) => {
    const pidsFiles = ['a', 'b'].map((name) => join(dir, `pids-${name}.json`));
    mkdirSync(join(dir, 'tests'));
    for (const [i, name] of ['a', 'b'].entries()) writeFileSync(join(dir, 'tests', `holds-${name}.test.ts`), leaver(pidsFiles[i], 'await new Promise((r) => setTimeout(r, 120_000));'));
    writeFileSync(join(dir, 'tests', 'quick.test.ts'), quick); // last: no worker has begun it at the Ctrl-C
    await withRunner(dir, async (run) => {
      await waitFor(() => pidsFiles.every((file) => existsSync(file) && readFileSync(file, 'utf8').endsWith('}')), 'both holding files to start their processes', 30_000).catch((error: Error) => assert.unreachable(`${error.message}\n${run.output()}`));
      // under Node the runner built the command line's bundle as dist/cli-test-PID
      const bundles = deno ? [] : [join(root, 'dist', `cli-test-${run.child.pid}`)];
      for (const bundle of bundles) assert.ok(existsSync(bundle), `the runner's bundle, ${bundle}`);
      process.kill(-run.child.pid!, 'SIGINT'); // what a terminal's Ctrl-C does: the whole foreground group
      const code = await withTimeout(run.closed, 30_000, 'the runner to end after Ctrl-C');
      for (const pidsFile of pidsFiles) await checkEnded(pidsFile, run.output());
      const said = run.output();
      assert.is(run.signal(), 'SIGINT', `died of the Ctrl-C, as a shell loop around it needs to see to stop (exit ${code})\n${said}`);
      assert.match(said, /tests interrupted \(SIGINT\): ending what they started\n/, `the interruption said:\n${said}`);
      for (const name of ['a', 'b']) assert.match(said, new RegExp(`FAIL {2}\\S+holds-${name}\\.test\\.ts: its test worker ended before the file did`), `holds-${name}, cut short, named:\n${said}`);
      assert.not.match(said, /^tests: /m, 'a run cut short is not reported as one that ran');
      assert.not.match(said, /quick\.test\.ts/, `the file no worker began is not said to have failed:\n${said}`);
      const left = readdirSync(join(dir, 'tmp')).filter((name) => !/^tsx-\d+$/.test(name)); // tsx's compile cache is tsx's
      assert.equal(left, [], "the run's temp folder and its workers' claims removed");
      for (const bundle of bundles) assert.not.ok(existsSync(bundle), `${bundle} removed`);
    });
  }));

test('a Ctrl-C of a run in one process (TEST_JOBS=1) names the file it cut short, and ends what it left', () =>
  withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids.json');
    mkdirSync(join(dir, 'tests'));
    // modules, as the project's own files are: tsx would load files of no package as CommonJS, and
    // their run-end.ts would be a second copy, whose clean-ups only a process's exit runs (a
    // worker's is one; a runner dying of the signal has none)
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'tests', 'holds.test.ts'), leaver(pidsFile, 'await new Promise((r) => setTimeout(r, 120_000));'));
    writeFileSync(join(dir, 'tests', 'quick.test.ts'), quick);
    await withRunner(
      dir,
      async (run) => {
        await waitFor(() => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').endsWith('}'), 'the holding file to start its processes', 30_000).catch((error: Error) => assert.unreachable(`${error.message}\n${run.output()}`));
        process.kill(-run.child.pid!, 'SIGINT');
        await withTimeout(run.closed, 30_000, 'the runner to end after Ctrl-C');
        await checkEnded(pidsFile, run.output());
        const said = run.output();
        assert.is(run.signal(), 'SIGINT', said);
        assert.match(said, /FAIL {2}\S+holds\.test\.ts: cut short by the SIGINT/, `the file cut short, named:\n${said}`);
        assert.not.match(said, /quick\.test\.ts/, `the file not begun is not named:\n${said}`);
      },
      1,
    );
  }));

test('a SIGTERM to the runner alone: no worker begins another file, and one still in a file gets a SIGTERM after 5 s', () =>
  withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids.json');
    const shortStarted = join(dir, 'short-started');
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'tests', 'a-holds.test.ts'), leaver(pidsFile, 'await new Promise((r) => setTimeout(r, 120_000));'));
    writeFileSync(join(dir, 'tests', 'b-short.test.ts'), `import { test } from '${support}/test.ts';\nimport { writeFileSync } from 'node:fs';\ntest('short', async () => { writeFileSync('${shortStarted}', ''); await new Promise((r) => setTimeout(r, 2_000)); });\ntest.run();\n`);
    writeFileSync(join(dir, 'tests', 'c-never.test.ts'), quick);
    await withRunner(dir, async (run) => {
      await waitFor(() => existsSync(shortStarted) && existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').endsWith('}'), 'both workers in their files', 30_000).catch((error: Error) => assert.unreachable(`${error.message}\n${run.output()}`));
      process.kill(run.child.pid!, 'SIGTERM'); // the runner alone: its workers hear of it from it
      await withTimeout(run.closed, 30_000, 'the runner to end after SIGTERM');
      await checkEnded(pidsFile, run.output());
      const said = run.output();
      assert.is(run.signal(), 'SIGTERM', said);
      assert.match(said, /tests interrupted \(SIGTERM\): ending what they started\n/, said);
      assert.match(said, /FAIL {2}\S+a-holds\.test\.ts: its test worker ended before the file did \(exit (143|SIGTERM)\)/, `the holding file, its worker stopped (Deno reports its exit as the signal), named:\n${said}`);
      assert.not.match(said, /b-short\.test\.ts: its test worker ended/, `the short file ended in the 5 s given:\n${said}`);
      assert.not.match(said, /c-never/, `no worker began another file:\n${said}`);
    });
  }));

test('a file that ends its worker (process.exit) leaves nothing running after the run', () =>
  withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids.json');
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'tests', 'dies.test.ts'), leaver(pidsFile, 'process.exit(7);'));
    writeFileSync(join(dir, 'tests', 'quick.test.ts'), quick);
    const run = startRunner(dir);
    const code = await withTimeout(run.closed, 60_000, 'the runner to finish');
    assert.is(code, 1, run.output());
    assert.match(run.output(), /its test worker ended before the file did \(exit 7\)/);
    await checkEnded(pidsFile, run.output());
  }));

test.run();
