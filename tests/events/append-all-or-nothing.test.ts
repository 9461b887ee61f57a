// Entries written together (one step of the actors: an input and the facts it caused) reach a
// segment all or none, on a real full disk: the lines that fit in the segment's last page are cut
// back off with the rest (tests/runtime/full-disk-whole-steps.test.ts: what that spares a start).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore } from '../../src/events/file-store.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import { fill, onTinyDisk } from '../support/tiny-disk.ts';

const test = suite('event log: entries written together, on a full disk');

const entry = (seq: number): LogEntry => ({ type: 'session.idle', sessionId: 't1', seq, time: 1_000_000 + seq });
const bytes = (seq: number) => JSON.stringify(entry(seq)).length + 1;

test('a write of several entries that only partly fits leaves none of them; once there is room, all go in', () =>
  onTinyDisk(async (dir) => {
    const state = join(dir, 'state');
    const store = new FileStore(state);
    // Lines until the segment's last page has room for the next entry, not for the next two.
    let seq = 0;
    const segment = () => join(state, 'log', readdirSync(join(state, 'log')).find((name) => name.endsWith('.jsonl'))!);
    const room = () => (4096 - (statSync(segment()).size % 4096)) % 4096;
    store.append(entry(++seq));
    while (!(room() >= bytes(seq + 1) && room() < bytes(seq + 1) + bytes(seq + 2))) {
      store.append(entry(++seq));
      assert.ok(seq < 1_000, 'a page end within reach');
    }
    const filler = fill(dir);
    const size = statSync(segment()).size;
    assert.throws(() => store.appendAll([entry(seq + 1), entry(seq + 2)]), (error: NodeJS.ErrnoException) => error.code === 'ENOSPC', 'the disk is full');
    assert.is(statSync(segment()).size, size, 'not even the line that fitted stays');

    for (const path of filler.slice(0, 4)) rmSync(path);
    store.appendAll([entry(seq + 1), entry(seq + 2)]); // the log writer tries again once there is room
    store.close();
    const damage: LogDamage[] = [];
    const read = [...new FileStore(state).read(0, (d) => damage.push(d))];
    assert.equal(read.map((e) => e.seq), Array.from({ length: seq + 2 }, (_, i) => i + 1));
    assert.equal(damage, [], 'no half line');
  }));

test.run();
