// A download streamed to a client that stops reading holds what its source holds (a read slot,
// and for a recording in the database a connection and its snapshot) for as long as the client
// likes. One that moves no byte for a while is cut: the source is let go, the client gets a
// truncated body (its Content-Length says so), and the next download gets the slot.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** how long a download may move no byte before it is cut */
export const DOWNLOAD_STALLED_MS = 30_000;

/** Streams `source` into `res`; resolves when it is sent, or the client left, or it stalled (then cut). */
export async function sendUnlessStalled(source: Readable, res: ServerResponse, stalledMs = DOWNLOAD_STALLED_MS): Promise<void> {
  // the socket's own idle timer: any byte that moves, either way, resets it
  res.setTimeout(stalledMs, () => res.destroy());
  // a client that goes away ends the stream: the pipeline's failure is its leaving, nothing to answer
  await pipeline(source, res).catch(() => res.destroy());
}
