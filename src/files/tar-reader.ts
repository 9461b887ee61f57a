// Reads a tar stream entry by entry, each entry's data streamed (memory stays flat for any size):
// POSIX ustar, GNU long names ('L', 'K') and pax extended headers ('x'; 'g' is read and ignored).
// A damaged, truncated or lying stream ends the reading with a TarError, never with a guess.
// Names are returned as the stream has them: checking them is entry-names.ts's job; a name that
// is not UTF-8 is flagged (`notUtf8`), for the consumer to leave out or refuse.
import { BytePull } from './byte-pull.ts';
import { BLOCK, isZeroBlock, nameText, padding, parseHeader, type EntryType, type NameText } from './tar-header.ts';
import { TarError } from './tar-error.ts';
import { show } from './entry-names.ts';

/** a long name, long link name or pax header larger than this is refused: no real path needs more */
export const MAX_META_BYTES = 64 * 1024;

export interface TarEntry {
  name: string;
  type: Exclude<EntryType, 'longName' | 'longLink' | 'pax' | 'paxGlobal'>;
  /** the raw type flag, to name an entry type that is refused */
  typeflag: string;
  mode: number;
  size: number;
  mtime: number;
  linkname: string;
  /** the name or link target is not UTF-8: `name` and `linkname` only show it (no file has that name) */
  notUtf8?: true;
  /** the entry's data; read it before asking for the next entry, or it is skipped */
  body: AsyncIterable<Uint8Array>;
}

/** Entry types that carry no data: a size on one of them is a lie the stream tells. */
const NO_DATA = new Set<EntryType>(['symlink', 'hardlink', 'device', 'fifo']);

export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const pull = new BytePull(source);
  try {
    let longName: NameText | undefined;
    let longLink: NameText | undefined;
    let pax: Record<string, Uint8Array> = {};
    /** extension headers since the last entry: a stream of nothing else must not grow memory */
    let metaBytes = 0;
    for (;;) {
      const block = await pull.exactly(BLOCK, 'a header');
      if (!block) throw new TarError('the tar stream ends without its end-of-archive blocks: it is truncated');
      if (isZeroBlock(block)) return; // the end (what follows, the second zero block and padding, is not read)
      const header = parseHeader(block);
      const meta = header.type === 'longName' || header.type === 'longLink' || header.type === 'pax' || header.type === 'paxGlobal';
      if (meta) {
        metaBytes += header.size;
        if (metaBytes > MAX_META_BYTES) throw new TarError(`the tar extension headers before one entry hold ${metaBytes} bytes: larger than the ${MAX_META_BYTES} allowed`);
        const data = (await pull.exactly(header.size, 'an extension header')) ?? new Uint8Array(0);
        if (data.length < header.size) throw new TarError('the tar stream ends in the middle of an extension header');
        await pull.skip(padding(header.size), 'padding');
        if (header.type === 'longName') longName = cString(data);
        else if (header.type === 'longLink') longLink = cString(data);
        else if (header.type === 'pax') pax = { ...pax, ...parsePax(data) };
        else parsePax(data); // global: checked, not applied
        continue;
      }
      // A header field ends at its first NUL; a pax value need not, and a name read past one is not
      // the name every other tar reads ("../../..\0x" is a plain name here, "../../.." to GNU tar).
      for (const key of ['path', 'linkpath'] as const) if (pax[key]?.includes(0)) throw new TarError(`the tar entry "${short(show(nameText(pax[key]).text))}" has a NUL byte in its pax ${key}: no tar names one, so nothing is extracted from this stream`);
      const size = pax.size !== undefined ? paxSize(pax.size) : header.size;
      if (NO_DATA.has(header.type) && size !== 0) throw new TarError(`the tar entry "${short(header.name.text)}" is a ${header.type} with ${size} bytes of data: the stream is lying about its sizes`);
      const name = pax.path !== undefined ? nameText(pax.path) : (longName ?? header.name);
      const linkname = pax.linkpath !== undefined ? nameText(pax.linkpath) : (longLink ?? header.linkname);
      let consumed = false;
      const entry: TarEntry = {
        name: name.text,
        type: header.type as TarEntry['type'],
        typeflag: header.typeflag,
        mode: header.mode,
        size,
        mtime: header.mtime,
        linkname: linkname.text,
        ...(name.utf8 && linkname.utf8 ? {} : { notUtf8: true as const }),
        body: {
          [Symbol.asyncIterator]: () => {
            if (consumed) throw new Error('a tar entry body is read once');
            consumed = true;
            return pull.stream(size, `the data of "${short(entry.name)}"`);
          },
        },
      };
      longName = longLink = undefined;
      metaBytes = 0;
      pax = {};
      const before = pull.offset;
      yield entry;
      // What the consumer did not read is read past here, so the next header is where it should be.
      const read = pull.offset - before;
      if (read > size) throw new Error('read past a tar entry');
      await pull.skip(size - read + padding(size), `the data of "${short(entry.name)}"`);
    }
  } finally {
    await pull.close();
  }
}

function cString(data: Uint8Array): NameText {
  const nul = data.indexOf(0);
  return nameText(nul === -1 ? data : data.subarray(0, nul));
}

/** pax records: "LENGTH key=value\n", LENGTH counting the whole record in bytes; the values as bytes (a name's may not be UTF-8). */
function parsePax(data: Uint8Array): Record<string, Uint8Array> {
  const records: Record<string, Uint8Array> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const lengthText = space === -1 ? '' : Buffer.from(data.subarray(at, space)).toString('latin1');
    if (!/^[1-9][0-9]{0,5}$/.test(lengthText)) throw new TarError('a pax header record has no valid length');
    const end = at + Number(lengthText);
    if (end > data.length || end <= space + 1 || data[end - 1] !== 0x0a) throw new TarError('a pax header record has a wrong length');
    const record = data.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw new TarError('a pax header record has no key=value');
    records[Buffer.from(record.subarray(0, equals)).toString('utf8')] = record.subarray(equals + 1);
    at = end;
  }
  return records;
}

function paxSize(value: Uint8Array): number {
  const text = Buffer.from(value).toString('latin1');
  if (!/^[0-9]{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) throw new TarError('a pax size is not a whole number');
  return Number(text);
}

const short = (name: string) => (name.length > 120 ? `${name.slice(0, 120)}…` : name);
