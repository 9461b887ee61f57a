import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlStore } from '../../src/events/jsonl-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';

const test = suite('event log: JSONL store');
const entry = (seq: number): LogEntry => ({ seq, time: 1000 + seq, type: 'session.activity', sessionId: 't1' });
const tempLog = () => join(mkdtempSync(join(tmpdir(), 'octant-exec-log-')), 'events.jsonl');

test('appends one JSON line per entry and reads them back after reopening', () => {
  const path = join(tempLog(), '..', 'state', 'events.jsonl'); // the state folder is made on first append
  const store = new JsonlStore(path);
  assert.equal(store.load(), { entries: [], damage: [] });
  [1, 2, 3].forEach((seq) => store.append(entry(seq)));
  store.close();
  assert.is(readFileSync(path, 'utf8').split('\n').length, 4);
  const reopened = new JsonlStore(path);
  assert.equal(reopened.load(), { entries: [entry(1), entry(2), entry(3)], damage: [] });
  reopened.append(entry(4));
  assert.equal(reopened.load().entries.map((e) => e.seq), [1, 2, 3, 4]);
});

test('the file is private to the user', () => {
  const path = tempLog();
  new JsonlStore(path).append(entry(1));
  assert.is(statSync(path).mode & 0o777, 0o600);
});

test('a torn last line is skipped with a note, and the next append starts a fresh line', () => {
  const path = tempLog();
  const store = new JsonlStore(path);
  store.append(entry(1));
  store.append(entry(2));
  store.close();
  appendFileSync(path, '{"seq":3,"time":1003,"type":"sess');
  const reopened = new JsonlStore(path);
  const { entries, damage } = reopened.load();
  assert.equal(entries.map((e) => e.seq), [1, 2]);
  assert.equal(damage, [{ line: 3, problem: 'not JSON (a torn or corrupt line)' }]);
  reopened.append(entry(3));
  const after = reopened.load();
  assert.equal(after.entries.map((e) => e.seq), [1, 2, 3], 'the new entry was not glued onto the torn one');
  assert.is(after.damage.length, 1);
});

test('corruption in the middle keeps every intact entry around it', () => {
  const path = tempLog();
  writeFileSync(path, [entry(1), entry(2)].map((e) => JSON.stringify(e)).join('\n') + '\n#garbage\n"str"\n{"seq":1,"time":1,"type":"x"}\n' + JSON.stringify(entry(3)) + '\n');
  const { entries, damage } = new JsonlStore(path).load();
  assert.equal(entries.map((e) => e.seq), [1, 2, 3]);
  assert.equal(damage.map((d) => d.line), [3, 4, 5]);
  assert.match(damage[2].problem, /sequence 1 is out of order/);
});

test.run();
