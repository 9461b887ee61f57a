// Files written whole or not at all (snapshots, compacted segments, compacted.json): their
// temporary file is always a new one, and the result keeps the owner of what it replaces.
// (The owner test needs root, as CI has: without it, it fails, it does not skip.)
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { chownSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFile } from '../../src/events/files/atomic-file.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('atomic files');

test('a symlink planted where the temporary file goes is never written through: what it points to stays as it was', () =>
  withTempDir((dir) => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const path = join(dir, 'compacted.json');
    symlinkSync(victim, path + '.tmp');
    const file = new AtomicFile(path);
    file.write('{"through":5}\n');
    file.commit();
    assert.is(readFileSync(victim, 'utf8'), 'precious');
    assert.is(readFileSync(path, 'utf8'), '{"through":5}\n');
    assert.not.ok(lstatSync(path).isSymbolicLink(), 'the real name is a file of its own');
  }));

test('written by root in another user\'s state directory, a file keeps the owner of the one it replaces, and a new one gets the folder\'s', () =>
  withTempDir((dir) => {
    const log = join(dir, 'log');
    mkdirSync(log);
    chownSync(log, 4242, 4343);
    const segment = join(log, 'events-000000000001.jsonl');
    writeFileSync(segment, 'old\n');
    chownSync(segment, 4244, 4345);
    for (const path of [segment, join(log, 'compacted.json')]) {
      const file = new AtomicFile(path);
      file.write('new\n');
      file.commit();
    }
    assert.equal([statSync(segment).uid, statSync(segment).gid], [4244, 4345], 'the rewritten segment');
    assert.equal([statSync(join(log, 'compacted.json')).uid, statSync(join(log, 'compacted.json')).gid], [4242, 4343], 'a new file in the folder');
  }));

test.run();
