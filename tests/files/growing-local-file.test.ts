// `octant-exec cp ./app.log POD:/tmp/` while the log is still written to here: its tar header
// says the size it had when it was looked at, and its bytes are read after. As GNU tar does, a
// file that grew or was rewritten meanwhile is sent as long as its header says, read as it is,
// and said to have changed (cp names it and exits 3); never more bytes than announced (they would
// not fit the header), and one that shrank is still refused, never padded with bytes it never had.
// Before, a file that grew was refused with a sentence: a log still written to could not be sent.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localEntries } from '../../src/files/local-entries.ts';
import { readTar } from '../../src/files/tar-reader.ts';
import { writeTar } from '../../src/files/tar-writer.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a local file that changes while it is uploaded', { deadlineMs: 30_000 });

/** The tar of `path` (as `cp` uploads it), after `meanwhile` ran between looking at the file and reading it; and the files said to have changed. */
async function tarAfter(path: string, meanwhile: () => void): Promise<{ tar: Buffer; changed: string[] }> {
  const chunks: Uint8Array[] = [];
  const changed: string[] = [];
  let ran = false;
  for await (const chunk of writeTar(localEntries(path, 'app.log', { changed: (name) => changed.push(name) }))) {
    if (!ran) meanwhile(); // the header is out: the size is taken, the bytes not read yet
    ran = true;
    chunks.push(chunk);
  }
  return { tar: Buffer.concat(chunks), changed };
}

/** The one file in a tar: its announced size and its bytes. */
async function onlyFile(tar: Buffer): Promise<{ size: number; data: Buffer }> {
  const files: { size: number; data: Buffer }[] = [];
  for await (const entry of readTar((async function* () { yield tar; })())) {
    const parts: Buffer[] = [];
    if (entry.type === 'file') for await (const chunk of entry.body) parts.push(Buffer.from(chunk));
    if (entry.type === 'file') files.push({ size: entry.size, data: Buffer.concat(parts) });
  }
  assert.is(files.length, 1);
  return files[0];
}

test('a file that grew is sent as long as its header says, and said to have changed', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'line 1\n'.repeat(1000));
    const { tar, changed } = await tarAfter(path, () => appendFileSync(path, 'line 2\n'.repeat(1000)));
    assert.equal(changed, [path]);
    const file = await onlyFile(tar);
    assert.is(file.size, 7000);
    assert.ok(file.data.equals(Buffer.from('line 1\n'.repeat(1000))), 'the bytes it had when it was looked at, no more');
  }));

test('a file rewritten in place (same size) is said to have changed', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'a'.repeat(7000));
    // written long ago: file times move in clock ticks, and a rewrite within the same one is not seen (by GNU tar either)
    utimesSync(path, 946684800, 946684800);
    const { tar, changed } = await tarAfter(path, () => writeFileSync(path, 'b'.repeat(7000)));
    assert.equal(changed, [path]);
    assert.is((await onlyFile(tar)).size, 7000);
  }));

test('a file left alone is not said to have changed', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'line 1\n'.repeat(1000));
    const { changed } = await tarAfter(path, () => {});
    assert.equal(changed, []);
  }));

test('a file that shrank is still refused, never padded', () =>
  withTempDir(async (dir) => {
    const path = join(dir, 'app.log');
    writeFileSync(path, 'line 1\n'.repeat(1000));
    let message = '';
    await tarAfter(path, () => truncateSync(path, 100)).catch((error: Error) => (message = error.message));
    assert.match(message, /ended after 100 of its 7000 bytes/);
  }));

test.run();
