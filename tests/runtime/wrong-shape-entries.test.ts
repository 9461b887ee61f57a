// An entry with a good type, seq and time but not the shape of its type (edited by hand, or a byte
// flipped that still parses) is damage like a torn line: the reader names its file and line and
// what is wrong, a start skips it with that warning and goes on, and `log verify` lists it and
// exits 1. Before, such a line passed every check and then crashed every start (a TypeError in a
// projection, or an error xstate rethrew from a timer, which ended the process) while verify said
// ok. An id named like one of Object's own members is such damage too. And the net under the
// check: an entry of the right shape that still trips up a projection is reported as that entry's
// damage, by seq, and the start goes on. (An error in the machines is not caught there: xstate
// rethrows it from a timer, so the shape check is what keeps such entries out.)
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import { runCli } from '../support/cli.ts';
import type { AnyActorRef } from 'xstate';
import type { Shares } from '../../src/events/projections/shares.ts';
import { replayEntries } from '../../src/runtime/log-replay.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { FactMatcher } from '../../src/runtime/fact-matcher.ts';
import { ProjectionSet } from '../../src/runtime/projection-set.ts';
import { LiveRuns } from '../../src/runtime/live-runs.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('event log: entries of the wrong shape');

/** An exec that ran and exited, in a log with no snapshot (as a 0.1.0 log, or the tail after one). */
async function history(dir: string): Promise<void> {
  const { system, adapter } = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  adapter.streams[0].exit(3);
  await system.shutdown();
  rmSync(join(dir, 'snapshots'), { recursive: true, force: true });
}

const segment = (dir: string) => listSegments(dir)[0];
const logged = (dir: string): LogEntry[] => readFileSync(segment(dir).path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

/** Appends `extra` with the next seq and the last time; returns its line number. */
function append(dir: string, extra: (entries: LogEntry[]) => Record<string, unknown>): number {
  const lines = logged(dir);
  const last = lines.at(-1)!;
  writeFileSync(segment(dir).path, [...lines, { ...extra(lines), seq: last.seq + 1, time: last.time }].map((e) => JSON.stringify(e)).join('\n') + '\n');
  return lines.length + 1;
}

const like = (type: string) => (entries: LogEntry[]) => entries.find((entry) => entry.type === type) as unknown as Record<string, unknown>;
const without = (type: string, field: string) => (entries: LogEntry[]) => Object.fromEntries(Object.entries(like(type)(entries)).filter(([name]) => name !== field));

const WRONG: [string, (entries: LogEntry[]) => Record<string, unknown>, string][] = [
  ['an audit.record with no record', () => ({ type: 'audit.record' }), 'not a valid audit.record entry (record is missing)'],
  ['a batch.started with no action', () => ({ type: 'batch.started', batchId: 'b1' }), 'not a valid batch.started entry (action is missing)'],
  ['an exec.refused with no action', () => ({ type: 'exec.refused', requestId: 'r9', containers: [], message: 'no' }), 'not a valid exec.refused entry (action is missing)'],
  ['an exec.requested with no containers', without('exec.requested', 'containers'), 'not a valid exec.requested entry (containers is missing)'],
  ['an exec.requested whose pod is a number', (entries) => { const e = like('exec.requested')(entries) as { action: { target: object } }; return { ...e, action: { ...e.action, target: { ...e.action.target, pod: 7 } } }; }, 'not a valid exec.requested entry (action.target.pod is not a string)'],
  ['a session.spawned with command null', (entries) => ({ ...like('session.spawned')(entries), command: null }), 'not a valid session.spawned entry (command is not a shell ({"shell": …}) or a command ({"argv": […]}))'],
];

test('each is named with its file, line and what is wrong; the entries around it are read', () =>
  withTempDir(async (dir) => {
    await history(dir);
    const clean = logged(dir).length;
    const lines = WRONG.map(([, extra]) => append(dir, extra));
    const damage: LogDamage[] = [];
    const read = [...new FileStore(dir).read(0, (d) => damage.push(d))];
    assert.is(read.length, clean, 'every good entry, and nothing else');
    assert.equal(damage, WRONG.map(([, , problem], i) => ({ file: `${segment(dir).name}`, line: lines[i], problem })));
  }));

test('a start skips each with a warning naming it, and goes on from the entries after it', () =>
  withTempDir(async (dir) => {
    await history(dir);
    const lines = WRONG.map(([, extra]) => append(dir, extra));
    const warnings: string[] = [];
    const { system } = makeSystem({ store: new FileStore(dir), warnings });
    assert.equal(warnings, WRONG.map(([, , problem], i) => `event log: ${segment(dir).name} line ${lines[i]} skipped: ${problem}`));
    assert.equal(system.sessionList.order, ['t1']);
    assert.equal(system.auditTrail.records.map((r) => r.outcome), [{ kind: 'exited', code: 3 }]);
    system.exec(shellIn('web'), ['nginx']);
    assert.ok(system.sessionList.byId.t2, 'the system works on');
    await system.shutdown();
  }));

for (const [name, extra, problem] of WRONG.slice(0, 4)) {
  test(`${name}: log verify lists it and exits 1; a server's start opens (in a process of its own, which an error rethrown from a timer would end)`, () =>
    withTempDir(async (dir) => {
      await history(dir);
      const line = append(dir, extra);
      const verify = await runCli(['log', 'verify', '--state-dir', dir]);
      assert.is(verify.code, 1, verify.stdout);
      assert.ok(verify.stdout.includes(`${segment(dir).name} line ${line}: ${problem}\n`), verify.stdout);
      const start = await runCli([dir], 60_000, { script: new URL('./open-state-dir.ts', import.meta.url).pathname });
      assert.is(start.code, 0, start.stderr);
      assert.match(start.stdout, /^opened: 1 sessions/);
    }));
}

test('an entry of the right shape that a projection cannot fold is that entry\'s damage, by seq; the others are folded', () =>
  withTempDir(async (dir) => {
    await history(dir);
    append(dir, () => ({ type: 'share.created', shareId: 's1', sessionId: 't1', role: 'viewer', expiresAt: 0 }));
    const seq = logged(dir).at(-1)!.seq;
    // a bug in one projection, met by that entry alone (the shares model's list of a terminal's shares)
    const bySession = new Proxy({}, { get: (base, key) => (key === 't1' ? fail() : Reflect.get(base, key)) });
    const fail = (): never => {
      throw new Error('a bug in a projection');
    };
    const buggy = { byId: {}, bySession } as unknown as Shares;
    const warnings: string[] = [];
    const target = { clock: new VirtualClock(0), supervisor: { send() {} } as unknown as AnyActorRef, matcher: new FactMatcher(), projections: new ProjectionSet({ shares: buggy }), liveRuns: new LiveRuns(), warn: (m: string) => warnings.push(m) };
    const report = replayEntries(target, new FileStore(dir), 0, true);
    assert.equal(report.damage.map((d) => d.seq), [seq], warnings.join('\n'));
    assert.equal(warnings, [`event log: entry ${seq} skipped: it could not be replayed (a bug in a projection)`]);
    const { sessionList, auditTrail } = target.projections.models;
    assert.equal(sessionList.order, ['t1'], 'the other entries are folded');
    assert.equal(auditTrail.records.map((r) => r.outcome), [{ kind: 'exited', code: 3 }]);
  }));

test('an id that names one of Object\'s own members ("constructor") is damage of its line: the lists would find Object itself', () =>
  withTempDir(async (dir) => {
    await history(dir);
    const line = append(dir, (entries) => ({ ...like('session.resized')(entries) ?? { type: 'session.resized', cols: 80, rows: 24 }, type: 'session.resized', sessionId: 'constructor', cols: 80, rows: 24 }));
    const damage: LogDamage[] = [];
    [...new FileStore(dir).read(0, (d) => damage.push(d))];
    assert.equal(damage.map((d) => [d.line, d.problem]), [[line, `not a valid session.resized entry (sessionId is not an id (letters, digits, _ . -; not a name of Object's own))`]]);
  }));

test.run();
