import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('event log: segment files');
const entry = (seq: number): LogEntry => ({ seq, time: 1000 + seq, type: 'session.exited', sessionId: `t${seq}`, code: seq % 256 });
const readAll = (store: FileStore, after = 0) => {
  const damage: LogDamage[] = [];
  const seqs = [...store.read(after, (d) => damage.push(d))].map((e) => e.seq);
  return { seqs, damage };
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('appends roll into new segments by size; reading streams them back in order, from any seq', () =>
  withTempDir((dir) => {
    const store = new FileStore(join(dir, 'state'), { segmentBytes: 1024 }); // the state folder is made on first append
    assert.equal(readAll(store), { seqs: [], damage: [] });
    for (let seq = 1; seq <= 100; seq++) store.append(entry(seq));
    store.close();
    const segments = readdirSync(join(dir, 'state', 'log')).sort();
    assert.ok(segments.length >= 5, `${segments.length} segments`);
    assert.is(segments[0], 'events-000000000001.jsonl');
    for (const name of segments) assert.ok(statSync(join(dir, 'state', 'log', name)).size <= 1024, `${name} over the size`);
    const reopened = new FileStore(join(dir, 'state'), { segmentBytes: 1024 });
    assert.equal(readAll(reopened), { seqs: range(1, 100), damage: [] });
    assert.equal(readAll(reopened, 57).seqs, range(58, 100));
    reopened.append(entry(101));
    assert.equal(readAll(reopened, 99).seqs, [100, 101]);
  }));

test('the files are private to the user', () =>
  withTempDir((dir) => {
    const store = new FileStore(dir);
    store.append(entry(1));
    store.putSnapshot({ seq: 1, format: 1, time: 1, state: {} });
    assert.is(statSync(join(dir, 'log')).mode & 0o777, 0o700);
    assert.is(statSync(join(dir, 'log', 'events-000000000001.jsonl')).mode & 0o777, 0o600);
    assert.is(statSync(join(dir, 'snapshots')).mode & 0o777, 0o700);
    assert.is(statSync(join(dir, 'snapshots', 'snapshot-000000000001.json')).mode & 0o777, 0o600);
  }));

test('paging through the log a page at a time sees every entry once, also across a compaction of a page it read', () =>
  withTempDir(async (dir) => {
    const store = new FileStore(dir, { segmentBytes: 2048 });
    for (let seq = 1; seq <= 300; seq++) store.append(seq % 2 ? { seq, time: seq, type: 'session.activity', sessionId: 'gone' } : entry(seq));
    store.append({ seq: 301, time: 301, type: 'session.closed', sessionId: 'gone' });
    const pages: number[] = [];
    let after = 0;
    for (let page = 0; ; page++) {
      const seqs = [...take(store.read(after), 7)].map((e) => e.seq);
      if (seqs.length === 0) break;
      pages.push(...seqs);
      after = seqs.at(-1)!;
      if (page === 10) await store.compact({ through: 301 }); // rewrites the segments under the reader
    }
    const remaining = readAll(store).seqs;
    assert.ok(remaining.length < 250, `the compaction removed activity (${remaining.length} entries left)`);
    assert.equal(pages.filter((seq) => seq <= 77), range(1, 77));
    assert.equal(pages.filter((seq) => seq > 77), remaining.filter((seq) => seq > 77), 'after it, exactly what the log holds');
  }));

test('paging as GET /events does (a page and one entry more, to learn there is more) reads on from where the last page ended, never from the segment start', () =>
  withTempDir((dir) => {
    /** A store that counts the damaged lines its reads come across: a read of the segment from its start meets the one spoiled below. */
    class CountingStore extends FileStore {
      damaged = 0;
      override *read(after = 0, onDamage: (damage: LogDamage) => void = () => {}): Generator<LogEntry, void, undefined> {
        yield* super.read(after, (damage) => {
          this.damaged++;
          onDamage(damage);
        });
      }
    }
    const store = new CountingStore(dir);
    for (let seq = 1; seq <= 300; seq++) store.append({ seq, time: 1000 + seq, type: 'session.idle', sessionId: 'gone' });
    const system = ExecSystem.open({ adapter: new FakeExecAdapter(), store, clock: (s) => new VirtualClock(s), snapshots: false });
    const seen: number[] = [];
    let after = 0;
    for (let page = 0; ; page++) {
      const entries = system.entries(after, 10 + 1); // as src/server/http-api.ts asks
      seen.push(...entries.slice(0, 10).map((e) => e.seq));
      if (entries.length <= 10) break;
      after = entries[9].seq;
      if (page === 0) {
        const segment = listSegments(dir)[0].path;
        const bytes = readFileSync(segment);
        bytes.fill(0x23, 0, bytes.indexOf(10)); // the first line, spoiled in place with '#'s
        writeFileSync(segment, bytes);
      }
    }
    assert.equal(seen, range(1, 300));
    assert.is(store.damaged, 0, 'no page read the segment from its start again');
    store.close();
  }));

test('a torn last line is skipped, named, and the next append starts on a fresh line', () =>
  withTempDir((dir) => {
    const store = new FileStore(dir);
    store.append(entry(1));
    store.append(entry(2));
    store.close();
    appendFileSync(join(dir, 'log', 'events-000000000001.jsonl'), '{"seq":3,"time":1003,"type":"sess');
    const reopened = new FileStore(dir);
    assert.equal(readAll(reopened), { seqs: [1, 2], damage: [{ file: 'log/events-000000000001.jsonl', line: 3, problem: 'not JSON (a torn or corrupt line)' }] });
    reopened.append(entry(3));
    const after = readAll(reopened);
    assert.equal(after.seqs, [1, 2, 3], 'the new entry was not glued onto the torn one');
    assert.is(after.damage.length, 1);
  }));

test('a corrupt line in the middle of a segment is named, and every intact entry around it kept', () =>
  withTempDir((dir) => {
    const store = new FileStore(dir, { segmentBytes: 400 });
    for (let seq = 1; seq <= 12; seq++) store.append(entry(seq));
    store.close();
    const second = readdirSync(join(dir, 'log')).sort()[1];
    const path = join(dir, 'log', second);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(1, 0, '#garbage', '"str"', '{"seq":1,"time":1,"type":"x"}');
    writeFileSync(path, lines.join('\n'));
    const { seqs, damage } = readAll(new FileStore(dir));
    assert.equal(seqs, range(1, 12));
    assert.equal(damage.map((d) => [d.file, d.line]), [2, 3, 4].map((line) => [`log/${second}`, line]));
    assert.match(damage[2].problem, /sequence 1 is out of order/);
  }));

test('a 0.1.0 state directory: events.jsonl is read as the first segment, then moved into log/ as it is', () =>
  withTempDir((dir) => {
    const fixture = readFileSync(new URL('fixtures/v0.1.0-events.jsonl', import.meta.url), 'utf8');
    writeFileSync(join(dir, 'events.jsonl'), fixture + '{"seq":141,"ti'); // and torn by a crash
    const store = new FileStore(dir);
    const before = readAll(store);
    assert.equal(before.seqs, range(1, 140));
    assert.equal(before.damage.map((d) => d.file), ['events.jsonl']);
    store.append({ seq: 141, time: 2e12, type: 'session.closed', sessionId: 't8' });
    store.close();
    assert.not.ok(existsSync(join(dir, 'events.jsonl')));
    assert.ok(readFileSync(join(dir, 'log', 'events-000000000001.jsonl'), 'utf8').startsWith(fixture), 'the old log, byte for byte');
    assert.equal(readAll(new FileStore(dir)).seqs, range(1, 141));
  }));

test('a 0.1.0 events.jsonl beside a first segment (copied back after the upgrade) never replaces it: writing is refused in one sentence; a move a crash cut short is finished', () =>
  withTempDir((dir) => {
    const store = new FileStore(dir);
    store.append(entry(1));
    store.close();
    const first = join(dir, 'log', 'events-000000000001.jsonl');
    const ours = readFileSync(first, 'utf8');
    writeFileSync(join(dir, 'events.jsonl'), readFileSync(new URL('fixtures/v0.1.0-events.jsonl', import.meta.url), 'utf8'));
    const again = new FileStore(dir);
    assert.throws(
      () => again.append(entry(2)),
      (error: Error) => error.message === `${join(dir, 'events.jsonl')} (a log of octant-exec 0.1.0) and ${first} are both there, and neither may replace the other: move the one you do not want out of the state directory, then start again`,
    );
    assert.is(readFileSync(first, 'utf8'), ours, 'the first segment as it was');
    assert.ok(existsSync(join(dir, 'events.jsonl')));
    assert.not.ok(readdirSync(join(dir, 'log')).includes('writer.lock'), 'and the directory let go');
    rmSync(first);
    linkSync(join(dir, 'events.jsonl'), first); // killed between the two steps of the move
    new FileStore(dir).lockForWriting();
    assert.not.ok(existsSync(join(dir, 'events.jsonl')));
    assert.equal(readAll(new FileStore(dir)).seqs, range(1, 140));
  }));

test('stray files in log/ and snapshots/ are named in a warning and left alone', () =>
  withTempDir((dir) => {
    new FileStore(dir).append(entry(1));
    mkdirSync(join(dir, 'snapshots'));
    writeFileSync(join(dir, 'log', 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'snapshots', 'snapshot-12.json'), '{}');
    writeFileSync(join(dir, 'log', 'events-000000000002.jsonl.tmp'), 'a compaction was killed');
    const warnings: string[] = [];
    const store = new FileStore(dir, { warn: (w) => warnings.push(w) });
    assert.equal(readAll(store).seqs, [1]);
    assert.equal(warnings.sort(), ['log/notes.txt is not part of the event log: left alone and not read', 'snapshots/snapshot-12.json is not part of the event log: left alone and not read']);
    assert.is(readFileSync(join(dir, 'log', 'notes.txt'), 'utf8'), 'mine');
    assert.equal(store.snapshots(), []);
  }));

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  for (const item of items) {
    yield item;
    if (--count === 0) return;
  }
}

test.run();
