// A directory's download: the answer is a gzipped tar (src/server/files/download.ts), extracted
// safely into the destination as it arrives. The archive is whole only when all three hold: the
// tar reached its end-of-archive block, the gzip stream its trailer (whose CRC and length zlib
// checks: the tar's own checksums cover its headers only, not the files' bytes), and the HTTP
// answer its end. When the container's tar fails after writing (a file it could not read), the
// server leaves the archive unfinished and says why in a trailer, as this request asks it to; the
// files tar said changed while it read them (the archive whole nonetheless) are in another, and
// those it found removed before it read them (not in the archive, whole without them) in a third.
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { extractTar } from '../../files/safe-extract.ts';
import { TarError } from '../../files/tar-error.ts';
import { ServerError, serverText } from '../server/server-client.ts';
import { CHANGED_TRAILER, decodedTrailer, FAILURE_TRAILER, readChangedTrailer, REMOVED_TRAILER, SKIPPED_TRAILER, type ChangedFiles } from '../../protocol/download-outcome.ts';
import { tellLeftOut, tellRemoved } from './left-out.ts';

/** What may follow the tar's end, unzipped or as sent (empty gzip members unzip to nothing): the writer's padding is a few blocks; a server sending more is not sending an archive. */
export const PAST_ARCHIVE_LIMIT = 1 << 20;

/** What a download that failed left in `local`: each file is put in place only once whole (safe-extract.ts). */
const extractedBefore = (local: string) => `What was extracted before is inside ${local}; a file cut off on its way is not (an earlier copy of it stays as it was).`;

/**
 * Extracts the answer `res` into `local` (a directory that exists), the part file being written
 * kept in `parts`; throws a TarError or a ServerError that says what to do. Resolves with the
 * files that changed while tar read them, if any.
 */
export async function extractDownload(res: IncomingMessage, local: string, remotePath: string, parts: Set<string>): Promise<ChangedFiles | undefined> {
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
    await extractTar(archive.iterator({ destroyOnReturn: false }), local, { place: (names) => names.slice(1), parts });
    const tooMuch = new ServerError(`the download of ${remotePath} went on past its archive's end (more than ${PAST_ARCHIVE_LIMIT >> 20} MiB): is OCTANT_EXEC_URL an octant-exec server? What was extracted is inside ${local}`);
    let sent = 0;
    res.on('data', (chunk: Uint8Array) => (sent += chunk.length) > PAST_ARCHIVE_LIMIT && gunzip.destroy(tooMuch));
    let unzipped = 0;
    for await (const chunk of archive) if ((unzipped += (chunk as Uint8Array).length) > PAST_ARCHIVE_LIMIT) throw tooMuch;
    if (!res.complete) throw new Error('cut off');
    tellLeftOut(Number(res.trailers[SKIPPED_TRAILER.toLowerCase()]) || 0);
    tellRemoved(readChangedTrailer(res.trailers[REMOVED_TRAILER.toLowerCase()]), remotePath);
    return readChangedTrailer(res.trailers[CHANGED_TRAILER.toLowerCase()]);
  } catch (error) {
    // the answer and the gunzip must both go: either left open would hold the process until the server let go
    res.destroy();
    gunzip.destroy();
    const failure = res.complete ? res.trailers[FAILURE_TRAILER.toLowerCase()] : undefined;
    if (failure !== undefined) throw new ServerError(`${serverText(decodedTrailer(failure))} ${extractedBefore(local)}`);
    if (error instanceof TarError || error instanceof ServerError) throw error;
    // writing here failed (a name too long, no space, no permission): the local error says what to do
    if ((error as NodeJS.ErrnoException).path !== undefined) throw error;
    // a cut stream is never a failed check (zlib says "unexpected end of file" then), whether or not the answer had ended yet
    if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') {
      throw new ServerError(`the download of ${remotePath} arrived damaged (${(error as Error).message} in its gzip stream): try again. ${extractedBefore(local)}`);
    }
    throw new ServerError(`the download of ${remotePath} was cut off (the server stops a container tar stream it cannot trust, or the connection dropped). ${extractedBefore(local)}`);
  }
}
