// A finished recording compressed at rest: `path`.gz (mode 0600) in place of `path`. The .gz
// appears whole or not at all: written aside, made durable, renamed, and the folder made durable
// before the plain file goes, so a crash meanwhile leaves the plain file, which plays as it is.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Compresses `path` to `path`.gz and removes `path`; returns the new path. A failure removes the half-written .gz.part at once. */
export async function compressCast(path: string): Promise<string> {
  const target = `${path}.gz`;
  const part = `${target}.part`;
  try {
    await pipeline(createReadStream(path), createGzip(), createWriteStream(part, { flags: 'wx', mode: 0o600 }));
    await durable(part);
  } catch (error) {
    await unlink(part).catch(() => undefined);
    throw error;
  }
  await rename(part, target);
  // some platforms cannot open or flush a folder: nothing more can be done there
  await durable(dirname(target)).catch(() => undefined);
  await unlink(path);
  return target;
}

/** fsync, off the event loop (a file, or a folder's entries) */
async function durable(path: string): Promise<void> {
  const handle = await open(path, 'r');
  await handle.sync().finally(() => handle.close());
}
