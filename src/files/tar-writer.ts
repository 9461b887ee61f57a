// Writes a tar stream (GNU format, as `tar xmf -` and kubectl cp read it) from entries whose data
// is streamed: memory stays flat for any size. A file whose data is not exactly the size its
// header announced is an error, never a silently short or padded archive.
import { BLOCK, encodeHeader, padding } from './tar-header.ts';
import { TarError } from './tar-error.ts';
import { show, utf8Prefix } from './entry-names.ts';

export interface WriteEntry {
  /** relative, '/'-separated; directories may end in '/' */
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  mtime: number;
  /** files: the exact number of bytes `body` yields */
  size?: number;
  linkname?: string;
  body?: AsyncIterable<Uint8Array>;
}

/** a header's name fields; a longer name's first bytes go there (cut on a character), the whole in a long entry first */
const NAME_FIELD = 100;
const zeros = (n: number) => new Uint8Array(n);

export async function* writeTar(entries: AsyncIterable<WriteEntry> | Iterable<WriteEntry>): AsyncGenerator<Uint8Array> {
  for await (const entry of entries) {
    const size = entry.type === 'file' ? (entry.size ?? 0) : 0;
    const name = entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
    // every field is read up to its first NUL: a name holding one would be read as another name
    if (`${name}${entry.linkname ?? ''}`.includes('\0')) throw new TarError(`"${show(name)}" has a NUL byte in its name or link target: no tar can carry it`);
    if (Buffer.byteLength(name) >= NAME_FIELD) yield* longField('longName', name);
    if (entry.linkname && Buffer.byteLength(entry.linkname) >= NAME_FIELD) yield* longField('longLink', entry.linkname);
    yield encodeHeader({ name: utf8Prefix(name, NAME_FIELD - 1), type: entry.type, mode: entry.mode, size, mtime: entry.mtime, ...(entry.linkname ? { linkname: utf8Prefix(entry.linkname, NAME_FIELD - 1) } : {}) });
    if (entry.type !== 'file') continue;
    let written = 0;
    for await (const chunk of entry.body ?? []) {
      written += chunk.length;
      if (written > size) throw new TarError(`"${entry.name}" has more than the ${size} bytes announced (did it change while being sent?)`);
      yield chunk;
    }
    if (written < size) throw new TarError(`"${entry.name}" ended after ${written} of its ${size} bytes`);
    if (padding(size)) yield zeros(padding(size));
  }
  yield zeros(2 * BLOCK);
}

/** A GNU 'L' or 'K' entry carrying a name too long for its header field. */
function* longField(type: 'longName' | 'longLink', value: string): Generator<Uint8Array> {
  const data = Buffer.from(`${value}\0`, 'utf8');
  yield encodeHeader({ name: '././@LongLink', type, mode: 0, size: data.length, mtime: 0 });
  yield data;
  if (padding(data.length)) yield zeros(padding(data.length));
}
