// The tar reader and writer against GNU tar, the format the containers' `tar` speaks: what one
// writes the other reads back byte for byte, long names and big sizes included, and a damaged or
// lying stream is refused with a TarError, never half-believed. What GNU tar writes for files
// before 1970 (a negative base-256 mtime) and for names that are not UTF-8 goes through the
// server's reading and the client's extraction: the first arrives, the second is left out and counted.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTar } from '../../src/files/tar-reader.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { localEntries } from '../../src/files/local-entries.ts';
import { encodeHeader, BLOCK } from '../../src/files/tar-header.ts';
import { checkedEntries } from '../../src/files/checked-entries.ts';
import { extractTar } from '../../src/files/safe-extract.ts';
import { TarError } from '../../src/files/tar-error.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { fixChecksum } from '../support/tar-blocks.ts';

const test = suite('tar format');

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Splits a buffer into chunks of `size` bytes: the reader must not care where chunks end. */
async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function entriesOf(data: Uint8Array, chunkSize = 7) {
  const out: { name: string; type: string; linkname: string; data: Buffer; mode: number }[] = [];
  for await (const entry of readTar(chunked(data, chunkSize))) out.push({ name: entry.name, type: entry.type, linkname: entry.linkname, mode: entry.mode, data: await collect(entry.body) });
  return out;
}

async function refused(data: Uint8Array, pattern: RegExp): Promise<void> {
  try {
    await entriesOf(data);
  } catch (error) {
    assert.instance(error, TarError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('the stream was read without complaint');
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

test('GNU tar archives (ustar, gnu and pax formats) are read with their long names, links and data', async () => {
  await withTempDir(async (dir) => {
    const src = join(dir, 'src');
    const deep = join(src, 'd'.repeat(80), 'e'.repeat(80));
    mkdirSync(deep, { recursive: true });
    const data = randomBytes(70_001);
    writeFileSync(join(deep, 'f'.repeat(120)), data);
    writeFileSync(join(src, 'small'), 'hi\n');
    symlinkSync('small', join(src, 'link'));
    for (const format of ['gnu', 'pax']) {
      const archive = execFileSync('tar', ['--format', format, '-cf', '-', '-C', dir, 'src']);
      const entries = await entriesOf(archive);
      const big = entries.find((e) => e.name.endsWith('f'.repeat(120)));
      assert.ok(big, `${format}: the long name is read`);
      assert.is(big!.name, `src/${'d'.repeat(80)}/${'e'.repeat(80)}/${'f'.repeat(120)}`);
      assert.is(sha(big!.data), sha(data), `${format}: the data`);
      const link = entries.find((e) => e.name === 'src/link');
      assert.equal([link?.type, link?.linkname], ['symlink', 'small']);
      assert.is(entries.find((e) => e.name === 'src/small')?.data.toString(), 'hi\n');
    }
    // ustar splits a long path into its prefix field
    const name = `${'p'.repeat(90)}/${'q'.repeat(60)}`;
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'r'), 'ustar');
    const ustar = execFileSync('tar', ['--format', 'ustar', '-cf', '-', '-C', dir, name]);
    const entries = await entriesOf(ustar);
    assert.is(entries.find((e) => e.name === `${name}/r`)?.data.toString(), 'ustar');
  });
});

test('what the writer writes, GNU tar extracts identically (long names, links, modes)', async () => {
  await withTempDir(async (dir) => {
    const data = randomBytes(100_000);
    const longName = `dir/${'x'.repeat(150)}`;
    const entries: WriteEntry[] = [
      { name: 'dir', type: 'directory', mode: 0o755, mtime: 1_700_000_000 },
      { name: longName, type: 'file', mode: 0o640, mtime: 1_700_000_000, size: data.length, body: chunked(data, 4096) },
      { name: 'dir/link', type: 'symlink', mode: 0o777, mtime: 1_700_000_000, linkname: 'y'.repeat(120) },
      { name: 'dir/empty', type: 'file', mode: 0o600, mtime: 1_700_000_000, size: 0 },
    ];
    const archive = await collect(writeTar(entries));
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['xmf', '-', '-C', out], { input: archive });
    assert.is(sha(readFileSync(join(out, longName))), sha(data));
    assert.is(execFileSync('stat', ['-c', '%a', join(out, longName)]).toString().trim(), '640');
    assert.is(execFileSync('readlink', [join(out, 'dir/link')]).toString().trim(), 'y'.repeat(120));
    assert.is(readFileSync(join(out, 'dir/empty')).length, 0);
    // and our own reader agrees
    const read = await entriesOf(archive, 1000);
    assert.equal(read.map((e) => e.name), ['dir/', longName, 'dir/link', 'dir/empty']);
  });
});

test('a size above 8 GiB is written in base-256 and read back', async () => {
  const size = 2 ** 33 + 5;
  const header = encodeHeader({ name: 'big', type: 'file', mode: 0o644, mtime: 0, size });
  const tail = new Uint8Array(BLOCK * 2);
  // only the header matters here: the reader reports the size before any data is read
  const stream = (async function* () {
    yield header;
    yield tail;
  })();
  for await (const entry of readTar(stream)) {
    assert.is(entry.size, size);
    break;
  }
  // GNU tar reads the header the same way (its listing shows the size)
  const listed = spawnSync('tar', ['tvf', '-'], { input: Buffer.concat([header, Buffer.alloc(BLOCK * 2)]) }).stdout.toString();
  assert.match(listed, new RegExp(`\\b${size}\\b`));
});

test('a local directory is tarred as GNU tar would extract it', async () => {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(join(dir, 'a/b/c.txt'), 'content');
    symlinkSync('b/c.txt', join(dir, 'a/l'));
    const archive = await collect(writeTar(localEntries(join(dir, 'a'), 'a')));
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['xf', '-', '-C', out], { input: archive });
    assert.is(readFileSync(join(out, 'a/l'), 'utf8'), 'content');
  });
});

const file = (name: string, size: number, body: Uint8Array = new Uint8Array(size)) =>
  Buffer.concat([encodeHeader({ name, type: 'file', mode: 0o644, mtime: 0, size }), body, new Uint8Array((BLOCK - (body.length % BLOCK)) % BLOCK)]);
const end = Buffer.alloc(BLOCK * 2);

test('a wrong checksum, a non-octal size and a negative base-256 size are refused', async () => {
  const good = file('a', 3, Buffer.from('abc'));
  const badSum = Buffer.from(good);
  badSum[0] = 'b'.charCodeAt(0);
  await refused(Buffer.concat([badSum, end]), /checksum/);
  const badSize = Buffer.from(good);
  badSize.write('9', 124, 'latin1');
  await refused(Buffer.concat([fixChecksum(badSize), end]), /checksum|octal/);
  const negative = Buffer.from(good);
  negative[124] = 0xff;
  await refused(Buffer.concat([fixChecksum(negative), end]), /negative/);
});

test('a truncated stream is refused: in a header, in the data, and with no end blocks', async () => {
  const whole = Buffer.concat([file('a', 1000, randomBytes(1000)), end]);
  await refused(whole.subarray(0, 300), /truncated|ends/);
  await refused(whole.subarray(0, 900), /truncated|ends/);
  await refused(whole.subarray(0, 1536), /end-of-archive/);
});

test('an entry that claims more data than the stream holds fails; a link with data is a lie', async () => {
  const lying = Buffer.concat([encodeHeader({ name: 'a', type: 'file', mode: 0o644, mtime: 0, size: 10_000 }), Buffer.alloc(1024), end]);
  await refused(lying, /truncated|ends/);
  const link = Buffer.from(encodeHeader({ name: 'l', type: 'symlink', mode: 0o777, mtime: 0, size: 0, linkname: 'x' }));
  link.write('00000001000\0', 124, 'latin1');
  await refused(Buffer.concat([fixChecksum(link), Buffer.alloc(BLOCK), end]), /lying/);
});

test('an oversized long-name, long-link or pax header is refused before it is read', async () => {
  const header = Buffer.from(encodeHeader({ name: '././@LongLink', type: 'longName', mode: 0, mtime: 0, size: 10 * 1024 * 1024 }));
  await refused(Buffer.concat([header, end]), /larger/);
  // a GNU long link name ('K') claiming 17 MiB: refused on its header, its data never read
  const longLink = Buffer.from(encodeHeader({ name: '././@LongLink', type: 'longLink', mode: 0, mtime: 0, size: 17 * 1024 * 1024 }));
  await refused(Buffer.concat([longLink, end]), /extension headers before one entry hold 17825792 bytes: larger than the 65536 allowed/);
});

/** One pax record, "LEN key=value\n", LEN counting the whole record (itself included); a Buffer value is put in as its bytes. */
function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  let total = body.length + String(body.length).length;
  total = body.length + String(total).length;
  return Buffer.concat([Buffer.from(String(total)), body]);
}

/** A pax extended header ('x') holding `records`, for the entry after it. */
function paxHeader(...records: Buffer[]): Buffer {
  const data = Buffer.concat(records);
  const padded = Buffer.concat([data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]);
  const header = Buffer.from(encodeHeader({ name: 'PaxHeaders/x', type: 'file', mode: 0o644, mtime: 0, size: data.length }));
  header.write('x', 156, 1, 'latin1');
  return Buffer.concat([fixChecksum(header), padded]);
}

test('a run of extension headers, each small, is refused once they add up past the bound (memory stays bounded)', async () => {
  const big = (i: number) => paxHeader(paxRecord(`octant.key${i}`, 'v'.repeat(30 * 1024)));
  const file = Buffer.from(encodeHeader({ name: 'x', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
  // two of them are within the bound and are read; a third before the same entry is not
  assert.equal((await entriesOf(Buffer.concat([big(1), big(2), file, end]))).map((e) => e.name), ['x']);
  await refused(Buffer.concat([big(1), big(2), big(3), file, end]), /extension headers before one entry hold \d+ bytes: larger/);
});

test('a NUL byte in a pax path or link target is refused: every other tar would read a shorter name there', async () => {
  // "../../..\0x" passes for a plain name in the link check, and is "../../.." to GNU tar and to our own writer's readers
  const link = Buffer.from(encodeHeader({ name: 'd/a/b/link', type: 'symlink', mode: 0o777, mtime: 0, size: 0, linkname: 'x' }));
  await refused(Buffer.concat([paxHeader(paxRecord('linkpath', '../../..\0x')), link, end]), /NUL byte in its pax linkpath/);
  const file = Buffer.from(encodeHeader({ name: 'd/f', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
  await refused(Buffer.concat([paxHeader(paxRecord('path', 'd/a/..\0')), file, end]), /NUL byte in its pax path/);
  // the same values without the NUL are read as they are
  assert.equal((await entriesOf(Buffer.concat([paxHeader(paxRecord('linkpath', '../../..')), link, end]))).map((e) => e.linkname), ['../../..']);
  // and the writer never writes one
  for (const entry of [{ name: 'd/a\0b', type: 'file' as const }, { name: 'd/l', type: 'symlink' as const, linkname: '..\0x' }]) {
    try {
      await collect(writeTar([{ ...entry, mode: 0o644, mtime: 0, size: 0 }]));
      assert.unreachable(`${entry.name} was written`);
    } catch (error) {
      assert.match((error as Error).message, /NUL byte in its name or link target/);
    }
  }
});

/** What the server passes on for GNU tar's `tar cf - -C dir ./site` (its default gnu format), then what the client extracts into `dest`. */
async function downloadThrough(dir: string, dest: string): Promise<{ skipped: number }> {
  const tar = spawnSync('tar', ['cf', '-', '-C', dir, './site'], { maxBuffer: 1 << 26 });
  assert.is(tar.status, 0, String(tar.stderr));
  const count = { skipped: 0 };
  const served = await collect(writeTar(checkedEntries(readTar(chunked(tar.stdout, 4096)), count, 'site')));
  mkdirSync(dest);
  await extractTar(chunked(served, 4096), dest, { place: (parts) => parts.slice(1) });
  return count;
}

test('a folder holding a file dated before 1970 downloads: GNU tar writes its mtime in negative base-256, read as the epoch', () =>
  withTempDir(async (dir) => {
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site/old.txt'), 'old\n');
    assert.is(spawnSync('touch', ['-d', '1960-01-01', join(dir, 'site/old.txt')]).status, 0); // Node's utimes takes no negative time
    const tar = spawnSync('tar', ['cf', '-', '-C', dir, './site/old.txt']).stdout;
    assert.is(tar[136], 0xff, 'GNU tar wrote the mtime in negative base-256');
    for await (const entry of readTar(chunked(tar, 512))) assert.is(entry.mtime, 0);
    assert.equal(await downloadThrough(dir, join(dir, 'back')), { skipped: 0 });
    assert.is(readFileSync(join(dir, 'back/old.txt'), 'utf8'), 'old\n');
  }));

test('a negative base-256 size is still refused; a large positive one with bits in its first byte is read', async () => {
  const negative = Buffer.from(encodeHeader({ name: 'a', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
  negative.fill(0xff, 124, 136); // -1
  await refused(Buffer.concat([fixChecksum(negative), end]), /size is negative/);
  const positive = Buffer.from(encodeHeader({ name: 'a', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
  positive.fill(0, 124, 136);
  positive[124] = 0x80;
  positive[129] = 0x01; // 2^48
  for await (const entry of readTar(chunked(Buffer.concat([fixChecksum(positive), end]), 512))) {
    assert.is(entry.size, 2 ** 48);
    break;
  }
});

test('two files whose names are not UTF-8 are left out and counted, never one written over the other under "caf\uFFFD"', () =>
  withTempDir(async (dir) => {
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site/plain.txt'), 'plain\n');
    // made by the shell: Deno's fs takes a Buffer path as UTF-8 text, so both would be "caf\uFFFD"
    const made = spawnSync('sh', ['-c', `cd "$1" && printf 'first\\n' > "$(printf 'caf\\351')" && printf 'second\\n' > "$(printf 'caf\\350')"`, 'sh', join(dir, 'site')]);
    assert.is(made.status, 0, String(made.stderr));
    assert.equal(await downloadThrough(dir, join(dir, 'back')), { skipped: 2 });
    assert.equal(readdirSync(join(dir, 'back')), ['plain.txt']);
  }));

test('a name that is not UTF-8 is flagged wherever it comes from (header, GNU long name, pax path); a leading U+FEFF stays part of a name', async () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');
  const header = Buffer.from(encodeHeader({ name: 'cafX', type: 'file', mode: 0o644, mtime: 0, size: 0 }));
  header[3] = 0xe9;
  const longData = Buffer.concat([latin1(`${'d'.repeat(120)}/caf\xe9`), Buffer.alloc(1)]);
  const longName = Buffer.concat([encodeHeader({ name: '././@LongLink', type: 'longName', mode: 0, mtime: 0, size: longData.length }), longData, Buffer.alloc(BLOCK - longData.length)]);
  const plain = (name: string) => encodeHeader({ name, type: 'file', mode: 0o644, mtime: 0, size: 0 });
  const stream = Buffer.concat([fixChecksum(header), longName, plain('x'), paxHeader(paxRecord('path', latin1('caf\xe8'))), plain('y'), plain('\uFEFFbom'), plain('caf\u00e9'), end]);
  const seen: [string, boolean][] = [];
  for await (const entry of readTar(chunked(stream, 7))) seen.push([entry.name, entry.notUtf8 === true]);
  assert.equal(seen, [['caf\uFFFD', true], [`${'d'.repeat(120)}/caf\uFFFD`, true], ['caf\uFFFD', true], ['\uFEFFbom', false], ['caf\u00e9', false]]);
});

test('a long name of many-byte characters is cut in its header field on a character, whole in its long entry', async () => {
  const name = '\u00e9'.repeat(60); // 120 bytes
  const archive = await collect(writeTar([{ name, type: 'file', mode: 0o644, mtime: 0, size: 0 }]));
  const field = archive.subarray(BLOCK * 2, BLOCK * 2 + 100); // after the long name's header and its one block
  const cut = field.subarray(0, field.indexOf(0));
  assert.is(new TextDecoder('utf-8', { fatal: true }).decode(cut), '\u00e9'.repeat(49));
  assert.equal((await entriesOf(archive)).map((e) => e.name), [name]);
});

test.run();
