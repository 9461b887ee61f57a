// GET /api/v1/files/download: `tar cf - -C DIR ./NAME` in the container, read with the safe
// reader as it comes. One regular file → its bytes (Content-Length from its header); a directory
// → a gzipped tar of its checked entries (checked-entries.ts). A container whose tar lies (sizes,
// truncation, "../" names, entries not under NAME) makes the download fail: before the answer has
// started, as a 502 that says so; after, by cutting the connection, so no client keeps a short file
// (a directory's answer to a client that takes trailers ends instead, its archive unfinished and the
// reason in a trailer: download-trailers.ts).
// HEAD asks what the path leads to (a file's length, or a directory; a symlink followed, as
// kubectl cp's `test -d` follows it before an upload) without its bytes: tar is stopped once its
// first header has answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { checkedEntries } from '../../files/checked-entries.ts';
import { FAILURE_TRAILER, SKIPPED_TRAILER } from '../../files/download-trailers.ts';
import { entryParts } from '../../files/entry-names.ts';
import { readTar, type TarEntry } from '../../files/tar-reader.ts';
import { TarError } from '../../files/tar-error.ts';
import { writeTar } from '../../files/tar-writer.ts';
import { HttpError } from '../replies.ts';
import { transferTarget, type FilesCall } from './files-call.ts';
import { transferParams } from './transfer-params.ts';
import { transferFailure } from './transfer-failure.ts';
import { TransferRun, type TransferOutcome } from './transfer-run.ts';

export const SESSION_HEADER = 'X-Octant-Exec-Session';

export async function download(call: FilesCall, req: IncomingMessage, res: ServerResponse, url: URL, headersOnly = false): Promise<void> {
  const params = transferParams(url);
  if (params.path === '/') throw new HttpError(400, 'Name a file or directory to download, not / itself.');
  const target = await transferTarget(call, params);
  const dir = posix.dirname(params.path);
  const base = posix.basename(params.path);
  // "./NAME": a name that starts with "-" is never taken for one of tar's options
  const run = new TransferRun(call.system, target, call.who, { kind: 'download', path: params.path, ...(headersOnly ? { headersOnly: true as const } : {}) }, ['tar', 'cf', '-', ...(headersOnly ? ['-h'] : []), '-C', dir, `./${base}`]);
  // a client that goes away cancels the transfer
  res.once('close', () => run.close());
  const entries = readTar(run.output);
  const tarFailure = (outcome: TransferOutcome) => transferFailure(outcome, run.stderr, target, params.path, 'download');
  /** a directory's answer to a client that takes trailers: a failure after its start is said there */
  let sayFailure = false;
  try {
    const first = await entries.next();
    if (first.done) {
      const outcome = await run.ended;
      // GNU tar archives nothing for a socket, and says so only as a warning
      throw outcome.kind === 'exited' && outcome.code === 0 ? new HttpError(422, `"${params.path}" is neither a file nor a directory (tar in container "${target.container}" archived nothing for it: a socket?); only files and directories can be downloaded.`) : tarFailure(outcome);
    }
    const head = first.value;
    const parts = entryParts(head.name);
    if (parts.length !== 1 || parts[0] !== base) throw new TarError(`the first entry is "${head.name.slice(0, 200)}", not "${base}"`);
    const disposition = (name: string) => `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
    /** a single file's last bytes, sent only once tar has said it read the file well */
    const held: { last?: Uint8Array } = {};
    if (head.type === 'file') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': head.size, 'Content-Disposition': disposition(base), 'Cache-Control': 'no-store', [SESSION_HEADER]: run.sessionId });
      if (headersOnly) return void res.end();
      res.flushHeaders(); // the client learns the session (to cancel it) before the first byte
      await pipeline(Readable.from(allButLast(head.body, held)), res, { end: false });
      for await (const _ of entries); // the rest of the stream (its end blocks), so tar ends as it should
    } else if (head.type === 'directory') {
      sayFailure = /(^|,)\s*trailers\s*(;|,|$)/i.test(String(req.headers.te ?? ''));
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Disposition': disposition(`${base}.tar.gz`), 'Cache-Control': 'no-store', [SESSION_HEADER]: run.sessionId, ...(headersOnly ? {} : { Trailer: sayFailure ? `${SKIPPED_TRAILER}, ${FAILURE_TRAILER}` : SKIPPED_TRAILER }) });
      if (headersOnly) return void res.end();
      res.flushHeaders();
      const count = { skipped: 0 };
      const checked = checkedEntries(withFirst(head, entries), count, base);
      await pipeline(Readable.from(writeTar(thenVerdict(checked, run, () => tarFailure(run.outcome!)))), createGzip(), res, { end: false });
      res.addTrailers({ [SKIPPED_TRAILER]: String(count.skipped) });
    } else {
      throw new HttpError(422, `"${params.path}" is a ${head.type === 'symlink' ? `symlink to "${head.linkname.slice(0, 200)}": download what it points to` : head.type}; only files and directories can be downloaded.`);
    }
    const outcome = await run.ended;
    if (outcome.kind !== 'exited' || outcome.code !== 0) throw tarFailure(outcome);
    res.end(held.last);
  } catch (error) {
    const failed = run.outcome && !(run.outcome.kind === 'exited' && run.outcome.code === 0);
    const reason = error instanceof TarError ? (failed ? tarFailure(run.outcome!) : new HttpError(502, `The container's tar stream cannot be trusted (${error.message}): nothing was kept.`)) : error;
    // Started answers are never finished: the client sees a failed download, not a short file. One
    // that takes trailers hears why, after an archive left without its end; any other is cut.
    if (res.headersSent && sayFailure && reason instanceof HttpError && !res.destroyed) {
      res.addTrailers({ [FAILURE_TRAILER]: encodeURIComponent(reason.message) });
      return void res.end();
    }
    if (res.headersSent) return void res.destroy();
    throw reason;
  } finally {
    run.close();
  }
}

/**
 * A body but its last chunk, kept in `held`: GNU tar pads a file that shrank or could not be read
 * to its announced size and exits non-zero, so a file's end is not proof it came whole; the
 * caller sends the last chunk only after tar's exit says so (else the answer is cut short).
 */
async function* allButLast(body: AsyncIterable<Uint8Array>, held: { last?: Uint8Array }): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    if (held.last) yield held.last;
    held.last = chunk;
  }
}

/**
 * The entries, and after the last one tar's verdict: a tar that failed after writing everything
 * (a file it could not read) throws `failure()` here, before the writer's end-of-archive blocks
 * and gzip's trailer, so the client holds no archive that looks whole; the answer is then cut.
 */
async function* thenVerdict<T>(entries: AsyncIterable<T>, run: TransferRun, failure: () => Error): AsyncGenerator<T> {
  yield* entries;
  const outcome = await run.ended;
  if (outcome.kind !== 'exited' || outcome.code !== 0) throw failure();
}

async function* withFirst(first: TarEntry, rest: AsyncIterator<TarEntry>): AsyncGenerator<TarEntry> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}
