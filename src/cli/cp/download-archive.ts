// A directory's download: the answer is a gzipped tar (src/server/files/download.ts), extracted
// safely into the destination as it arrives. The archive is whole only when all three hold: the
// tar reached its end-of-archive block, the gzip stream its trailer (whose CRC and length zlib
// checks: the tar's own checksums cover its headers only, not the files' bytes), and the HTTP
// answer its end (the server cuts it when the container's tar fails after writing everything).
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { extractTar } from '../../files/safe-extract.ts';
import { TarError } from '../../files/tar-error.ts';
import { ServerError } from '../server/server-client.ts';

/** What may follow the tar's end inside the gzip stream: the writer's padding is a few blocks; a server sending more is not sending an archive. */
export const PAST_ARCHIVE_LIMIT = 1 << 20;

/** Extracts the answer `res` into `local` (a directory that exists); throws a TarError or a ServerError that says what to do. */
export async function extractDownload(res: IncomingMessage, local: string, remotePath: string): Promise<void> {
  const gunzip = createGunzip();
  // an answer cut short must end the extraction (some runtimes end such a body without an error),
  // also when its 'close' came before we listened (Deno can close it as the headers arrive)
  const cutShort = () => !res.complete && gunzip.destroy(new Error('cut off'));
  if (res.closed || res.destroyed) cutShort();
  else res.once('close', cutShort);
  res.once('error', (error) => gunzip.destroy(error));
  // errors reach the reads below; one after them (the answer destroyed on the way out) is for no one
  gunzip.on('error', () => {});
  const archive = res.pipe(gunzip);
  try {
    // the extraction stops at the tar's end, leaving the rest of the stream to be read here
    await extractTar(archive.iterator({ destroyOnReturn: false }), local, { place: (parts) => parts.slice(1) });
    let past = 0;
    for await (const chunk of archive) {
      past += (chunk as Uint8Array).length;
      if (past > PAST_ARCHIVE_LIMIT) throw new ServerError(`the download of ${remotePath} went on past its archive's end (more than ${PAST_ARCHIVE_LIMIT >> 20} MiB): is OCTANT_EXEC_URL an octant-exec server? What was extracted is inside ${local}`);
    }
    if (!res.complete) throw new Error('cut off');
  } catch (error) {
    // the answer and the gunzip must both go: either left open would hold the process until the server let go
    res.destroy();
    gunzip.destroy();
    if (error instanceof TarError || error instanceof ServerError) throw error;
    if (res.complete && (error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') {
      throw new ServerError(`the download of ${remotePath} arrived damaged (${(error as Error).message} in its gzip stream): try again; what was extracted before is inside ${local}`);
    }
    throw new ServerError(`the download of ${remotePath} was cut off (the server stops a container tar stream it cannot trust, or the connection dropped): what was extracted before is inside ${local}`);
  }
}
