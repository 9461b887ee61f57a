// The two facts of a program's ELF file the privileged step needs (privileged-step.ts): which
// loader it names (PT_INTERP), and whether it names a DT_RPATH, a folder glibc's loader searches
// before the --library-path it is given. 64-bit little-endian files only: anything else is taken
// as naming neither (a static program, to the step).
import { closeSync, openSync, readSync } from 'node:fs';

const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_RPATH = 15n;

/** The loader the program names, as written in it (not resolved), or undefined. */
export function elfInterpreter(file: string): string | undefined {
  return withSegments(file, (segments, bytes) => {
    const interp = segments.find((segment) => segment.type === PT_INTERP);
    return interp ? bytes(interp.offset, interp.size).toString('latin1').replace(/\0.*$/s, '') : undefined;
  });
}

/** Whether the file names a DT_RPATH. */
export function hasRpath(file: string): boolean {
  return (
    withSegments(file, (segments, bytes) =>
      segments.some((segment) => {
        if (segment.type !== PT_DYNAMIC) return false;
        const dynamic = bytes(segment.offset, segment.size);
        for (let at = 0; at + 16 <= dynamic.length; at += 16) {
          const tag = dynamic.readBigInt64LE(at);
          if (tag === DT_NULL) break;
          if (tag === DT_RPATH) return true;
        }
        return false;
      }),
    ) ?? false
  );
}

interface Segment {
  type: number;
  offset: number;
  size: number;
}

function withSegments<T>(file: string, read: (segments: Segment[], bytes: (offset: number, size: number) => Buffer) => T): T | undefined {
  const fd = openSync(file, 'r');
  const bytes = (offset: number, size: number) => {
    const buffer = Buffer.alloc(size);
    readSync(fd, buffer, 0, size, offset);
    return buffer;
  };
  try {
    const header = bytes(0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const [phoff, phentsize, phnum] = [Number(header.readBigUInt64LE(0x20)), header.readUInt16LE(0x36), header.readUInt16LE(0x38)];
    const segments: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const entry = bytes(phoff + i * phentsize, phentsize);
      segments.push({ type: entry.readUInt32LE(0), offset: Number(entry.readBigUInt64LE(8)), size: Number(entry.readBigUInt64LE(32)) });
    }
    return read(segments, bytes);
  } finally {
    closeSync(fd);
  }
}
