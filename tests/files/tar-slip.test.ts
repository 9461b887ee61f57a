// Safe extraction against every tar-slip trick kubectl cp fell for: each crafted stream is
// refused, and nothing is written outside the destination (a sentinel file outside stays as it
// was and no new file appears next to the destination). Names that are not UTF-8 are refused,
// and the part file a file is written into first is never written through.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractTar } from '../../src/files/safe-extract.ts';
import { BLOCK, encodeHeader } from '../../src/files/tar-header.ts';
import { TarError } from '../../src/files/tar-error.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { fixChecksum } from '../support/tar-blocks.ts';

const test = suite('tar slip');

const file = (name: string, text = 'evil'): WriteEntry => ({ name, type: 'file', mode: 0o644, mtime: 0, size: text.length, body: [Buffer.from(text)] as unknown as AsyncIterable<Uint8Array> });
const symlink = (name: string, linkname: string): WriteEntry => ({ name, type: 'symlink', mode: 0o777, mtime: 0, linkname });
const dir = (name: string): WriteEntry => ({ name, type: 'directory', mode: 0o755, mtime: 0 });

function asyncOf(items: Uint8Array[]): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield* items;
  })();
}

/** A tar of `entries` (the writer never checks names: a container's tar would not either). */
async function tarOf(entries: WriteEntry[]): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const withBodies = entries.map((e) => (e.body ? { ...e, body: asyncOf([...(e.body as unknown as Uint8Array[])]) } : e));
  for await (const chunk of writeTar(withBodies)) chunks.push(chunk);
  return chunks;
}

/** Extracts into ROOT/dest with a sentinel at ROOT/outside; returns the refusal, after checking nothing outside changed. */
async function extractRefused(entries: WriteEntry[] | Uint8Array[], setup?: (dest: string) => void): Promise<string> {
  return withTempDir(async (root) => {
    const dest = join(root, 'dest');
    mkdirSync(dest);
    writeFileSync(join(root, 'outside'), 'sentinel');
    setup?.(dest);
    const before = readdirSync(root).sort();
    const chunks = entries[0] instanceof Uint8Array ? (entries as Uint8Array[]) : await tarOf(entries as WriteEntry[]);
    let message = '';
    try {
      await extractTar(asyncOf(chunks), dest);
    } catch (error) {
      assert.instance(error, TarError, (error as Error).message);
      message = (error as Error).message;
    }
    assert.ok(message, 'the stream was extracted without a refusal');
    assert.is(readFileSync(join(root, 'outside'), 'utf8'), 'sentinel', 'the file outside is untouched');
    assert.equal(readdirSync(root).sort(), before, 'nothing new next to the destination');
    assert.not.ok(existsSync('/tmp/octant-exec-slip'), 'nothing at an absolute path');
    return message;
  });
}

test('CVE-2018-1002100: a name with ../ is refused', async () => {
  assert.match(await extractRefused([file('../outside')]), /climbs out/);
  assert.match(await extractRefused([file('a/../../outside')]), /climbs out/);
});

test('an absolute name is refused, not written at that path nor under the destination', async () => {
  assert.match(await extractRefused([file('/tmp/octant-exec-slip')]), /absolute/);
});

test('CVE-2019-1002101: a symlink to a directory outside, then a file written through it', async () => {
  const message = await extractRefused([symlink('escape', '..'), file('escape/outside')]);
  assert.match(message, /symlink/);
});

test('a symlink planted with an absolute target is refused', async () => {
  assert.match(await extractRefused([symlink('abs', '/etc/passwd')]), /outside the destination/);
});

test('CVE-2019-11246: a symlink whose relative target climbs out from a subdirectory', async () => {
  assert.match(await extractRefused([dir('a'), dir('a/b'), symlink('a/b/up', '../../../outside')]), /outside the destination/);
});

test('CVE-2019-11249: a link target that only looks inside by its prefix (dest-evil beside dest)', async () => {
  // a prefix check on "…/dest" accepts "…/dest-evil"; resolving the path does not
  assert.match(await extractRefused([symlink('x', '../dest-evil/x')]), /outside the destination/);
});

test('CVE-2019-11251: two symlinks, each harmless alone, chained to escape', async () => {
  // "a" points inside; "a/up" is written through it (refused), which otherwise would make a/up -> .. resolve to ROOT
  const message = await extractRefused([dir('sub'), symlink('a', 'sub'), symlink('a/up', '..'), file('a/up/outside')]);
  assert.match(message, /through the symlink/);
});

test('CVE-2019-11251, the link-only chain: "y -> ." then "x -> y/z/../.." looks inside by its name and is not', async () => {
  assert.match(await extractRefused([symlink('y', '.'), symlink('x', 'y/z/../..')]), /outside the destination/);
});

test('the same chain in the other order: "x -> y/.." first, "y -> ." after, is refused', async () => {
  assert.match(await extractRefused([symlink('x', 'y/..'), symlink('y', '.')]), /outside the destination/);
});

test('a symlink already in the destination is never written through', async () => {
  const message = await extractRefused([file('planted/outside')], (dest) => symlinkSync('..', join(dest, 'planted')));
  assert.match(message, /through the symlink/);
  const replaced = await extractRefused([file('link')], (dest) => symlinkSync('../outside', join(dest, 'link')));
  assert.match(replaced, /symlink/);
});

test('a hard link to a file outside is refused', async () => {
  const hard = Buffer.from(encodeHeader({ name: 'h', type: 'symlink', mode: 0o644, mtime: 0, size: 0, linkname: '../outside' }));
  hard[156] = '1'.charCodeAt(0);
  assert.match(await extractRefused([fixChecksum(hard), Buffer.alloc(BLOCK * 2)]), /climbs out/);
});

test('devices and fifos are refused', async () => {
  for (const flag of ['3', '4', '6']) {
    const header = Buffer.from(encodeHeader({ name: 'dev', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
    header[156] = flag.charCodeAt(0);
    assert.match(await extractRefused([fixChecksum(header), Buffer.alloc(BLOCK * 2)]), /device|fifo/);
  }
});

test('a well-behaved archive is extracted whole: files, directories, inside links, no setuid bit', async () => {
  await withTempDir(async (dest) => {
    const chunks = await tarOf([dir('d'), file('d/f', 'data'), symlink('d/l', 'f'), { ...file('d/s', 'x'), mode: 0o4755 }]);
    const report = await extractTar(asyncOf(chunks), dest);
    assert.equal([report.files, report.directories, report.links], [2, 1, 1]);
    assert.is(readFileSync(join(dest, 'd/l'), 'utf8'), 'data');
    assert.is(lstatSync(join(dest, 'd/s')).mode & 0o7777, 0o755);
  });
});

test('a name that is not UTF-8 is refused, not written under a name read loosely (two of them would become one)', async () => {
  const header = Buffer.from(encodeHeader({ name: 'cafX', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
  header[3] = 0xe9;
  assert.match(await extractRefused([fixChecksum(header), Buffer.alloc(BLOCK * 2)]), /^the tar entry "caf\uFFFD" has a name or link target that is not UTF-8: it cannot be written under its own name, so it is refused$/);
});

test("a file is written into a part beside it: a symlink planted at the part's name is replaced, never written through", async () => {
  await withTempDir(async (root) => {
    const dest = join(root, 'dest');
    mkdirSync(dest);
    writeFileSync(join(root, 'outside'), 'sentinel');
    symlinkSync('../outside', join(dest, '.f.octant-exec-part'));
    const chunks = await tarOf([symlink('.g.octant-exec-part', 'f'), file('f', 'data'), file('g', 'more')]);
    await extractTar(asyncOf(chunks), dest);
    assert.is(readFileSync(join(root, 'outside'), 'utf8'), 'sentinel');
    assert.equal(readdirSync(dest).sort(), ['f', 'g']);
    assert.equal([readFileSync(join(dest, 'f'), 'utf8'), readFileSync(join(dest, 'g'), 'utf8')], ['data', 'more']);
  });
});

test.run();
