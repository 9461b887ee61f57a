// What the server passes on from an untrusted tar stream (a container's download, a client's
// upload): escaping names, names longer than PATH_MAX and entries through an earlier symlink stop
// it; links that point outside (by name, or through another link), hard links, devices and names
// that are not UTF-8 are left out and counted. A deep name is checked with work linear in its
// parts (it was quadratic: one 50 KiB name held the server's event loop for seconds).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { checkedEntries } from '../../src/files/checked-entries.ts';
import { linkStaysInside } from '../../src/files/entry-names.ts';
import { readTar } from '../../src/files/tar-reader.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { encodeHeader, BLOCK } from '../../src/files/tar-header.ts';
import { TarError } from '../../src/files/tar-error.ts';
import type { TarEntry } from '../../src/files/tar-reader.ts';
import { fixChecksum } from '../support/tar-blocks.ts';

const test = suite('checked entries');

const dir = (name: string): WriteEntry => ({ name, type: 'directory', mode: 0o755, mtime: 0 });
const link = (name: string, linkname: string): WriteEntry => ({ name, type: 'symlink', mode: 0o777, mtime: 0, linkname });
const file = (name: string): WriteEntry => ({ name, type: 'file', mode: 0o644, mtime: 0, size: 1, body: (async function* () { yield Buffer.from('x'); })() });

async function bytesOf(entries: WriteEntry[], extra: Uint8Array[] = []): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar(entries)) chunks.push(chunk);
  // extra blocks go before the end-of-archive blocks
  return extra.length ? [...chunks.slice(0, -1), ...extra, new Uint8Array(BLOCK * 2)] : chunks;
}

async function check(chunks: Uint8Array[], root?: string): Promise<{ names: string[]; skipped: number }> {
  const count = { skipped: 0 };
  const names: string[] = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const entry of checkedEntries(readTar(source), count, root)) {
    names.push(entry.name);
    for await (const _ of entry.body ?? []);
  }
  return { names, skipped: count.skipped };
}

async function lying(chunks: Uint8Array[], pattern: RegExp, root?: string): Promise<void> {
  try {
    await check(chunks, root);
  } catch (error) {
    assert.instance(error, TarError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('the stream passed');
}

test('a plain tree passes whole, "./" dropped, inside links kept', async () => {
  const result = await check(await bytesOf([dir('./d'), file('./d/f'), link('./d/l', 'f')]), 'd');
  assert.equal(result, { names: ['d', 'd/f', 'd/l'], skipped: 0 });
});

test('".." and absolute names stop the stream, and so does a name not under the root asked for', async () => {
  await lying(await bytesOf([dir('d'), file('d/../../x')]), /climbs out/);
  await lying(await bytesOf([file('/etc/x')]), /absolute/);
  await lying(await bytesOf([dir('other')]), /not under "d"/, 'd');
});

test('links that point outside are left out: by name, from the root, and through another link', async () => {
  const result = await check(await bytesOf([dir('d'), link('d/up', '..'), link('d/abs', '/etc/passwd'), link('d/y', '.'), link('d/x', 'y/z/../..')]), 'd');
  assert.equal(result, { names: ['d', 'd/y'], skipped: 3 });
});

test('a link whose ".." comes after a name is left out: that name may turn out a symlink later in the stream', async () => {
  const result = await check(await bytesOf([dir('d'), dir('d/sub'), link('d/x', 'y/..'), link('d/y', '.'), link('d/sub/z', '../f')]), 'd');
  assert.equal(result, { names: ['d', 'd/sub', 'd/y', 'd/sub/z'], skipped: 1 }, 'a leading ".." still climbs what is known');
});

test('an entry written through a symlink sent earlier stops the stream', async () => {
  await lying(await bytesOf([dir('d'), dir('d/sub'), link('d/a', 'sub'), file('d/a/x')]), /goes through a symlink/, 'd');
});

test('hard links, devices and fifos are left out and counted', async () => {
  const blocks = ['1', '3', '6'].map((flag, i) => {
    const header = Buffer.from(encodeHeader({ name: `d/special${i}`, type: 'file', mode: 0o644, mtime: 0, size: 0 }));
    header[156] = flag.charCodeAt(0);
    if (flag === '1') header.write('d/f', 157, 'utf8');
    return fixChecksum(header);
  });
  const result = await check(await bytesOf([dir('d'), file('d/f')], blocks), 'd');
  assert.equal(result, { names: ['d', 'd/f'], skipped: 3 });
});

test('symlink names are remembered up to 16 MiB in all; the link that passes it stops the stream with a sentence that says why', async () => {
  const CAP = 16 * 2 ** 20;
  const nameOf = (i: number) => `d/${String(i).padStart(6, '0')}${'n'.repeat(4000)}`;
  // entries straight to the checks: the reader's own bounds are tar-format.test.ts's
  const body = (async function* (): AsyncGenerator<Uint8Array> {})();
  const links = (async function* (): AsyncGenerator<TarEntry> {
    yield { name: 'd', type: 'directory', typeflag: '5', mode: 0o755, size: 0, mtime: 0, linkname: '', body };
    for (let i = 0; ; i++) yield { name: nameOf(i), type: 'symlink', typeflag: '2', mode: 0o777, size: 0, mtime: 0, linkname: 'x', body };
  })();
  let passedBytes = 0;
  let passed = 0;
  try {
    for await (const entry of checkedEntries(links, { skipped: 0 }, 'd')) {
      if (entry.type !== 'symlink') continue;
      passedBytes += entry.name.length;
      passed++;
    }
    assert.unreachable('an endless run of symlinks passed');
  } catch (error) {
    assert.instance(error, TarError);
    assert.is((error as Error).message, 'the tar stream has more than 16 MiB of symlink names: too many to check, so it is refused');
  }
  assert.ok(passedBytes <= CAP, `${passedBytes} bytes of names passed`);
  // each remembered name also costs its bookkeeping (a Map entry: under 100 bytes)
  assert.ok(passedBytes + passed * 100 + nameOf(passed).length > CAP, `refused after ${passed} links although the next one fit`);
});

const deep = (parts: number) => `d/${'a/'.repeat(parts)}f`;

test('a name longer than PATH_MAX stops the stream with a sentence that names it, shortened: a deep directory from a container, a deep symlink in an upload', async () => {
  const long = deep(25_000); // 50 KiB: within the reader's 64 KiB bound for a long name
  const sentence = /^the tar entry "d\/a\/a\/[a/]{154}…" has a name of 5000[34] bytes: longer than any path may be \(PATH_MAX, 4096 bytes\), so the stream is refused$/;
  await lying(await bytesOf([dir('d'), dir(long)]), sentence, 'd');
  await lying(await bytesOf([link(long, 'x')]), sentence);
});

test('a deep name just under PATH_MAX passes, its check linear: the characters hashed to look its leading parts up add up to a few times its length', async () => {
  const longest = deep(2045); // 4093 bytes, 2047 parts
  // every lookup by a string hashes it: rebuilding each leading part to look it up hashes about length × depth / 2 characters (4 million here)
  const hashed = { chars: 0 };
  type Lookup = (this: unknown, key: unknown) => unknown;
  const spied = ([[Map.prototype, 'get'], [Map.prototype, 'has'], [Set.prototype, 'has']] as const).map(([on, method]) => ({ on: on as unknown as Record<string, Lookup>, method }));
  const originals = spied.map(({ on, method }) => on[method]);
  spied.forEach(({ on, method }, i) => {
    on[method] = function (key) {
      if (typeof key === 'string') hashed.chars += key.length;
      return originals[i].call(this, key);
    };
  });
  let result;
  try {
    // a symlink as deep, then a directory beside it whose every leading part but the last is the link's
    result = await check(await bytesOf([dir('d'), link(longest, 'x'), dir(`${longest.slice(0, -1)}g`)]), 'd');
  } finally {
    spied.forEach(({ on, method }, i) => (on[method] = originals[i]));
  }
  assert.equal(result, { names: ['d', longest, `${longest.slice(0, -1)}g`], skipped: 0 });
  assert.ok(hashed.chars <= 3 * 4 * longest.length, `${hashed.chars} characters hashed for three names of at most ${longest.length}`);
  // the target's way is checked once, whole, however many parts the link has
  const asked: number[] = [];
  assert.ok(linkStaysInside(longest.split('/'), '../b/c', (parts) => (asked.push(parts.length), false)));
  assert.equal(asked, [2046, 2047]);
});

test('names that are not UTF-8 are left out and counted: two Latin-1 names would both read as "caf\uFFFD", the second written over the first', async () => {
  const latin1 = (entry: WriteEntry, at: number) => bytesOf([entry]).then((chunks) => {
    const header = Buffer.from(chunks[0]);
    header[at] = 0xe9;
    return [fixChecksum(header), ...chunks.slice(1, -1)];
  });
  const blocks = [...(await latin1(file('d/cafX'), 5)), ...(await latin1(file('d/cafY'), 5)), ...(await latin1(link('d/l', 'cafX'), 157 + 3))];
  const result = await check(await bytesOf([dir('d'), file('d/f')], blocks), 'd');
  assert.equal(result, { names: ['d', 'd/f'], skipped: 3 });
});

test.run();
