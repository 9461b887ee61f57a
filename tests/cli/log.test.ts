// `octant-exec log` as a user runs it, on the state directory of a system that keeps running
// (and appending) meanwhile: nothing the tools do may harm it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { cliArgv, runCli, startCli } from '../support/cli.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { withTimeout } from '../support/wait.ts';

const test = suite('octant-exec log');
const DAY = 86_400_000;

/** A running system with 200 days of history: sessions every few days, two snapshots, small segments. */
async function running(dir: string) {
  const adapter = new FakeExecAdapter((s) => void s.open());
  const start = Date.now() - 200 * DAY;
  const system = ExecSystem.open({ adapter, store: new FileStore(dir, { segmentBytes: 8192 }), clock: () => new VirtualClock(start), snapshots: false });
  for (let day = 0; day < 200; day += 5) {
    system.exec({ ...shellIn('web'), requestedBy: `user-${day}` }, ['nginx']);
    await settle();
    for (let i = 0; i < 30; i++) {
      system.clock.advanceBy(50_000);
      adapter.last().stdout('x');
    }
    adapter.last().exit(day % 3);
    system.close(system.sessionList.order.at(-1)!);
    system.clock.advanceTo(start + (day + 5) * DAY);
    if (day === 190) system.writeSnapshot();
  }
  system.exec(shellIn('web'), ['nginx']); // live while the tools run
  await settle();
  system.writeSnapshot();
  return { system, adapter };
}

const log = (dir: string, ...args: string[]) => runCli(['log', ...args, '--state-dir', dir]);

test('stats, verify and export read a running system\'s directory; compact removes what retention allows; the system goes on', () =>
  withTempDir(async (dir) => {
    const { system, adapter } = await running(dir);
    const stats = await log(dir, 'stats', '--json');
    assert.is(stats.code, 0, stats.stderr);
    const s = JSON.parse(stats.stdout);
    assert.is(s.entries, system.entries().length);
    assert.is(s.snapshots.files, 2);
    assert.ok(s.segments.files > 3, `${s.segments.files} segments`);
    assert.is(s.damagedLines, 0);
    assert.is(s.compactedThrough, 0);
    const text = await log(dir, 'stats');
    assert.match(text.stdout, /^entries\s+[\d,]+ \(seq 1 to [\d,]+\)$/m);

    const verified = await log(dir, 'verify');
    assert.is(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /^event log ok: [\d,]+ entries, 2 of 2 snapshots usable$/m);

    const exported = await log(dir, 'export');
    assert.is(exported.code, 0, exported.stderr);
    const records = exported.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(records.map((r) => r.who), [...Array.from({ length: 40 }, (_, i) => `user-${i * 5}`), 'tester']);
    assert.equal(records[1].outcome, { kind: 'exited', code: 2 });
    const recent = await log(dir, 'export', '--since', new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10));
    assert.ok(recent.stdout.trim().split('\n').length <= 8, 'only the runs of the last 30 days');

    const compacted = await log(dir, 'compact', '--retain', '90');
    assert.is(compacted.code, 0, compacted.stderr);
    assert.match(compacted.stdout, /^compacted through seq \d+: [\d,]+ entries removed, \d+ audit records kept in place of removed runs, \d+ segments rewritten$/m);
    const after = await log(dir, 'export');
    assert.equal(after.stdout, exported.stdout, 'the audit trail is the same after compaction');
    assert.ok(JSON.parse((await log(dir, 'stats', '--json')).stdout).entries < s.entries);

    // the running system appends on, and a restart on the directory finds everything
    system.clock.advanceBy(1000);
    adapter.last().exit(0);
    system.shutdown();
    const again = ExecSystem.open({ adapter: new FakeExecAdapter(), store: new FileStore(dir), clock: (t) => new VirtualClock(t), snapshots: false, warn: (w) => assert.unreachable(w) });
    assert.is(again.sessionList.byId[system.sessionList.order[0]].exitCode, 0);
    assert.is((await log(dir, 'verify')).code, 0);
  }));

test('verify lists each damaged line and snapshot with its file and exits 1; stray files are noted, not damage', () =>
  withTempDir(async (dir) => {
    const { system } = await running(dir);
    system.shutdown();
    const segments = readdirSync(join(dir, 'log')).filter((name) => name.endsWith('.jsonl')).sort();
    appendFileSync(join(dir, 'log', segments[1]), '{"torn":\n');
    appendFileSync(join(dir, 'log', 'notes.txt'), 'mine\n');
    const snapshot = readdirSync(join(dir, 'snapshots')).sort()[0];
    appendFileSync(join(dir, 'snapshots', snapshot), 'x');
    const verified = await log(dir, 'verify');
    assert.is(verified.code, 1);
    assert.equal(verified.stdout.trim().split('\n').slice(0, 3), [
      'note: log/notes.txt is not part of the event log: left alone and not read',
      `log/${segments[1]} line ${verified.stdout.match(/line (\d+)/)![1]}: not JSON (a torn or corrupt line)`,
      `snapshots/${snapshot} skipped: damaged: 1 byte more than its header says`,
    ]);
    assert.match(verified.stdout, /event log damaged: 2 problems/);
  }));

test('a state directory this user may not read is said to be that, not "no event log"', async () => {
  // in a folder of its own that the other user may enter (the test's temp folders are closed to it)
  const home = mkdtempSync('/tmp/octant-exec-other-user-');
  chmodSync(home, 0o777);
  const state = join(home, 'state');
  mkdirSync(join(state, 'log'), { recursive: true });
  chmodSync(state, 0o000);
  try {
    // root reads anything: the command runs as nobody then
    const argv = cliArgv(['log', 'stats', '--state-dir', state]);
    const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
    const run = spawnSync(asOther[0], asOther.slice(1), { env: { PATH: process.env.PATH!, HOME: home, TMPDIR: home }, encoding: 'utf8', timeout: 60_000 });
    assert.is(run.status, 1, run.stderr);
    assert.match(run.stderr, /^octant-exec log: .*\/state cannot be read \(EACCES\): run this as the user the server runs as/, run.stderr);
  } finally {
    chmodSync(state, 0o755);
    rmSync(home, { recursive: true, force: true });
  }
});

test('a damaged log/compacted.json is noted once, however often it is read', () =>
  withTempDir(async (dir) => {
    const { system } = await running(dir);
    system.shutdown();
    writeFileSync(join(dir, 'log', 'compacted.json'), '{"through":');
    for (const command of ['verify', 'stats']) {
      const run = await log(dir, command);
      assert.is(run.stdout.split('log/compacted.json is damaged').length - 1 + run.stderr.split('log/compacted.json is damaged').length - 1, 1, `${command}: ${run.stdout}${run.stderr}`);
    }
  }));

test('export and verify to a reader that goes away (log export | head) stop quietly: nothing on stderr', () =>
  withTempDir(async (dir) => {
    const { system } = await running(dir);
    system.shutdown();
    const cli = startCli(['log', 'export', '--state-dir', dir]);
    cli.child.stdout!.destroy(); // the reader is gone before the first line: every write meets a closed pipe
    assert.is(await withTimeout(cli.exit, 60_000, 'log export to end'), 0, cli.stderr());
    assert.is(cli.stderr(), '');
    // verify too, with many lines to say (it died of an unhandled EPIPE, a stack trace on stderr)
    const segment = readdirSync(join(dir, 'log')).filter((name) => name.endsWith('.jsonl')).sort()[0];
    appendFileSync(join(dir, 'log', segment), '{"torn":\n'.repeat(5_000));
    const verify = startCli(['log', 'verify', '--state-dir', dir]);
    verify.child.stdout!.destroy();
    assert.is(await withTimeout(verify.exit, 60_000, 'log verify to end'), 1, 'the verdict stands: damaged (a pipefail sees it)');
    assert.is(verify.stderr(), '', 'quietly');
  }));

test('--help names the four commands; bad input (unknown command, bad flags, flags of another command, a missing directory, a folder with no log) gets one line each', () =>
  withTempDir(async (dir) => {
    mkdirSync(join(dir, 'log')); // an empty log: the flags are what is wrong below
    const help = await runCli(['log', '--help']);
    assert.is(help.code, 0);
    for (const command of ['stats', 'verify', 'compact', 'export', '--retain', '--since']) assert.ok(help.stdout.includes(command), command);
    for (const [args, code, pattern] of [
      [['log', 'frobnicate', '--state-dir', dir], 2, /unknown command "frobnicate"/],
      [['log', 'compact', '--retain', 'forever', '--state-dir', dir], 2, /--retain takes a whole number from 0 to 36500, not "forever"/],
      [['log', 'export', '--since', 'yesterday', '--state-dir', dir], 2, /--since takes a date/],
      [['log', 'export', '--since', '2026-02-30', '--state-dir', dir], 2, /--since takes a date like 2026-01-31 .*, not "2026-02-30"/],
      [['log', 'stats', '--state-dir', join(dir, 'nowhere')], 1, /there is no state directory at/],
      [['log', 'verify', '--state-dir', join(dir, 'log')], 1, /^octant-exec log: .*\/log holds no event log \(no log\/, snapshots\/ or events\.jsonl\): give the server's --state-dir \(replicas sharing a log in PostgreSQL, --store, keep it in the database, which these commands do not read: GET \/api\/v1\/audit and \/api\/v1\/events do\)\n$/],
      [['log', 'verify', '--json', '--state-dir', dir], 2, /^octant-exec log: --json does not apply to log verify \(see octant-exec log --help\)\n$/],
      [['log', 'export', '--retain', '5', '--state-dir', dir], 2, /--retain does not apply to log export/],
      [['log', 'compact', '--since', '2026-01-01', '--state-dir', dir], 2, /--since does not apply to log compact/],
      [['log', 'stats', '--retain-audit', '5', '--state-dir', dir], 2, /--retain-audit does not apply to log stats/],
    ] as const) {
      const r = await runCli([...args]);
      assert.is(r.code, code, args.join(' '));
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
    }
  }));

test.run();
