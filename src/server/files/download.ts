// GET /api/v1/files/download: `tar cf - -C DIR ./NAME` in the container, read with the safe
// reader as it comes. One regular file → its bytes (its size from its header); a directory → a
// gzipped tar of its checked entries (checked-entries.ts). A container whose tar lies (sizes,
// truncation, "../" names, entries not under NAME) makes the download fail: before the answer has
// started, as a 502 that says so; after, by cutting the connection, so no client keeps a short file
// (an answer to a client that takes trailers ends instead, unfinished, the reason in a trailer; a
// folder's to a client that asked for a footer, the reason in it: src/protocol/download-outcome.ts).
// Tar's verdict comes after the bytes: a file that changed while tar read it (tar-warnings.ts) is
// delivered whole and said in a trailer or a footer, to a client that asks for one (cp; the page:
// fetch reads no trailers); a client that asked for neither has its answer cut, as for a failure,
// never a file that may be torn and not a word. A folder's files removed before tar read them are
// not in its archive, which is whole without them: said the same ways, and to any client delivered.
// HEAD asks what the path leads to (a file's length, or a directory; a symlink followed, as
// kubectl cp's `test -d` follows it before an upload) without its bytes: tar is stopped once its
// first header has answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { checkedEntries } from '../../files/checked-entries.ts';
import { CHANGED_TRAILER, changedTrailer, FAILURE_TRAILER, footer, FOOTER_BYTES, OUTCOME_HEADER, REMOVED_TRAILER, SIZE_HEADER, SKIPPED_TRAILER } from '../../protocol/download-outcome.ts';
import { entryParts } from '../../files/entry-names.ts';
import { readTar, type TarEntry } from '../../files/tar-reader.ts';
import { TarError } from '../../files/tar-error.ts';
import { writeTar } from '../../files/tar-writer.ts';
import { HttpError } from '../replies.ts';
import { transferTarget, type FilesCall } from './files-call.ts';
import { transferParams } from './transfer-params.ts';
import { transferFailure } from './transfer-failure.ts';
import { TransferRun, type TransferOutcome } from './transfer-run.ts';
import { tarCommand } from './tar-command.ts';
import { tarVerdict, type Warned } from './tar-warnings.ts';

export const SESSION_HEADER = 'X-Octant-Exec-Session';

export async function download(call: FilesCall, req: IncomingMessage, res: ServerResponse, url: URL, headersOnly = false): Promise<void> {
  const params = transferParams(url);
  if (params.path === '/') throw new HttpError(400, 'Name a file or directory to download, not / itself.');
  const target = await transferTarget(call, params);
  const dir = posix.dirname(params.path);
  const base = posix.basename(params.path);
  // "./NAME": a name that starts with "-" is never taken for one of tar's options
  const run = new TransferRun(call.system, target, call.who, { kind: 'download', path: params.path, ...(headersOnly ? { headersOnly: true as const } : {}) }, tarCommand('cf', '-', ...(headersOnly ? ['-h'] : []), '-C', dir, `./${base}`));
  // a client that goes away cancels the transfer
  res.once('close', () => run.close());
  const entries = readTar(run.output);
  const tarFailure = (outcome: TransferOutcome) => transferFailure(outcome, run.stderr, target, params.path, 'download');
  const ending = headersOnly ? 'none' : outcomeEnding(req);
  /** a failure after the answer's start is said in a trailer (also after a folder's unfinished archive to a client that takes trailers and asked for no outcome, as before it was said) */
  let sayFailure = ending === 'trailers';
  /** ...or in a folder's footer (a single file's answer has a Content-Length: it is cut) */
  let footerFailure = false;
  /** tar's verdict once it has exited: the files it said changed or were removed, if any; a failure (or a change this client cannot be told of) throws */
  let verdict: Promise<Warned> | undefined;
  const verdictOnce = () =>
    (verdict ??= run.ended.then((outcome) => {
      const whole = tarVerdict(outcome, run.warnings);
      if (!whole || (whole.changed && ending === 'none')) throw tarFailure(outcome);
      return whole;
    }));
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
    let warned: Warned = {};
    /** a folder's entries left out, and its files tar found removed (a single file's footer has room for neither) */
    let skipped = 0;
    let removed = 0;
    const trailers: Record<string, string> = {};
    if (head.type === 'file') {
      // a client that takes trailers gets a chunked answer (trailers need one) and the size apart
      const length = ending === 'trailers' ? {} : { 'Content-Length': head.size + (ending === 'footer' ? FOOTER_BYTES : 0) };
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...length, [SIZE_HEADER]: head.size, 'Content-Disposition': disposition(base), 'Cache-Control': 'no-store', [SESSION_HEADER]: run.sessionId, ...endingHeaders(ending, `${CHANGED_TRAILER}, ${FAILURE_TRAILER}`) });
      if (headersOnly) return void res.end();
      res.flushHeaders(); // the client learns the session (to cancel it) before the first byte
      await pipeline(Readable.from(allButLast(head.body, held)), res, { end: false });
      for await (const _ of entries); // the rest of the stream (its end blocks), so tar ends as it should
      warned = await verdictOnce();
      if (held.last) res.write(held.last);
    } else if (head.type === 'directory') {
      sayFailure ||= !headersOnly && ending === 'none' && takesTrailers(req);
      footerFailure = ending === 'footer';
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Disposition': disposition(`${base}.tar.gz`), 'Cache-Control': 'no-store', [SESSION_HEADER]: run.sessionId, ...(headersOnly ? {} : endingHeaders(ending, `${SKIPPED_TRAILER}, ${FAILURE_TRAILER}, ${CHANGED_TRAILER}, ${REMOVED_TRAILER}`, sayFailure ? `${SKIPPED_TRAILER}, ${FAILURE_TRAILER}, ${REMOVED_TRAILER}` : `${SKIPPED_TRAILER}, ${REMOVED_TRAILER}`)) });
      if (headersOnly) return void res.end();
      res.flushHeaders();
      const count = { skipped: 0 };
      const checked = checkedEntries(withFirst(head, entries), count, base);
      await pipeline(Readable.from(writeTar(thenVerdict(checked, verdictOnce))), createGzip(), res, { end: false });
      warned = await verdictOnce();
      skipped = count.skipped;
      trailers[SKIPPED_TRAILER] = String(skipped);
      removed = warned.removed?.count ?? 0;
      if (warned.removed) trailers[REMOVED_TRAILER] = changedTrailer(warned.removed);
    } else {
      throw new HttpError(422, `"${params.path}" is a ${head.type === 'symlink' ? `symlink to "${head.linkname.slice(0, 200)}": download what it points to` : head.type}; only files and directories can be downloaded.`);
    }
    if (warned.changed && ending === 'trailers') trailers[CHANGED_TRAILER] = changedTrailer(warned.changed);
    if (Object.keys(trailers).length > 0) res.addTrailers(trailers);
    res.end(ending === 'footer' ? footer({ changed: warned.changed?.count ?? 0, removed, skipped }) : undefined);
  } catch (error) {
    const failed = run.outcome && !(run.outcome.kind === 'exited' && run.outcome.code === 0);
    const reason = error instanceof TarError ? (failed ? tarFailure(run.outcome!) : new HttpError(502, `The container's tar stream cannot be trusted (${error.message}): nothing was kept.`)) : error;
    // Started answers are never finished: the client sees a failed download, not a short file. One
    // that takes trailers hears why, after a file or archive left without its end, as does the page
    // after a folder's (in the footer, which says it failed); any other is cut.
    if (res.headersSent && (sayFailure || footerFailure) && reason instanceof HttpError && !res.destroyed) {
      if (footerFailure) return void res.end(footer({ failed: reason.message }));
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
 * (a file it could not read) throws here, before the writer's end-of-archive blocks and gzip's
 * trailer, so the client holds no archive that looks whole; the answer is then cut (or ends with
 * the failure in a trailer).
 */
async function* thenVerdict<T>(entries: AsyncIterable<T>, verdict: () => Promise<unknown>): AsyncGenerator<T> {
  yield* entries;
  await verdict();
}

type Ending = 'trailers' | 'footer' | 'none';

/**
 * How this client hears the outcome after the bytes: it asked for a footer, or for trailers (and
 * takes them), or neither. `TE: trailers` alone is not asking: a client that sends only that (cp
 * before the outcome was said, curl -H 'TE: trailers') knows no X-Octant-Exec-Changed, and would
 * keep a file that may be torn as whole; it checks a file's Content-Length, which a trailers
 * answer has not.
 */
function outcomeEnding(req: IncomingMessage): Ending {
  const asked = String(req.headers[OUTCOME_HEADER.toLowerCase()] ?? '').trim().toLowerCase();
  if (asked === 'footer') return 'footer';
  return asked === 'trailers' && takesTrailers(req) ? 'trailers' : 'none';
}

const takesTrailers = (req: IncomingMessage) => /(^|,)\s*trailers\s*(;|,|$)/i.test(String(req.headers.te ?? ''));

/** The headers that announce the ending: `trailers` to a client that takes them, else the footer if asked and the trailers sent `anyway`. */
function endingHeaders(ending: Ending, trailers: string, anyway?: string): Record<string, string> {
  if (ending === 'trailers') return { Trailer: trailers };
  return { ...(ending === 'footer' ? { [OUTCOME_HEADER]: 'footer' } : {}), ...(anyway ? { Trailer: anyway } : {}) };
}

async function* withFirst(first: TarEntry, rest: AsyncIterator<TarEntry>): AsyncGenerator<TarEntry> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}
