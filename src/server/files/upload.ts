// POST /api/v1/files/upload: a tar (application/x-tar) or one file (any other type, with
// `name=`) put under a directory of a container by `tar xmf - -C DIR` (under LC_ALL=C:
// tar-command.ts), as kubectl cp does. A client's tar is re-read and re-written on the way
// (checked-entries.ts): a damaged one is a 400, names that climb out are refused. The body is
// sent as the exec takes it (flat memory). One file (a plain body's, or a tar's first entry when
// it is a file at its top: `octant-exec cp` of a file) is written under a staged name and renamed
// into place once whole (staged-file.ts): a cut upload leaves the file it was to replace as it
// was. What else a tar holds is written in place, as tar does: a cut or failed one may leave part
// of it, and its sentence says so.
import type { IncomingMessage } from 'node:http';
import { checkedEntries } from '../../files/checked-entries.ts';
import { entryParts } from '../../files/entry-names.ts';
import { readTar } from '../../files/tar-reader.ts';
import { TarError } from '../../files/tar-error.ts';
import { writeTar, type WriteEntry } from '../../files/tar-writer.ts';
import { HttpError } from '../replies.ts';
import { transferTarget, type FilesCall } from './files-call.ts';
import { fileName, transferParams } from './transfer-params.ts';
import { transferFailure } from './transfer-failure.ts';
import { TransferRun } from './transfer-run.ts';
import { tarCommand } from './tar-command.ts';
import { moveIntoPlace, removeStaged, stagedName, stopTar } from './staged-file.ts';

export interface UploadReply {
  requestId: string;
  sessionId: string;
  /** bytes of the request body sent on */
  bytes: number;
  /** entries of an uploaded tar left out: links pointing outside, hard links, devices, fifos, names not UTF-8 */
  skipped: number;
}

const isTar = (type: string | undefined) => /^application\/(x-)?tar\s*(;|$)/i.test(type ?? '');

/** The file of this upload put in place once whole: its staged name, its own, and whether a later entry of its tar took that name (its staged copy then goes). */
interface Placing {
  staged: string;
  name: string;
  superseded?: boolean;
}

export async function upload(call: FilesCall, req: IncomingMessage, url: URL): Promise<UploadReply> {
  const params = transferParams(url, ['name']);
  // the body goes to tar as it comes: a compressed one would be stored compressed, under the file's name
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') throw new HttpError(415, `The upload came with Content-Encoding: ${encoding.slice(0, 40)}, which the server does not undo (it would be stored compressed): send the bytes as they are, without Content-Encoding.`);
  const tar = isTar(req.headers['content-type']);
  const name = url.searchParams.get('name') ?? undefined;
  if (tar && name !== undefined) throw new HttpError(400, 'name= names the one file of an upload that is not a tar; a tar names its own entries, so name= would be ignored: leave it out, or send the file itself (not as a tar).');
  if (!tar && name === undefined) throw new HttpError(415, 'Send a tar (Content-Type: application/x-tar), or one file with &name=FILE to say what to call it.');
  const length = Number(req.headers['content-length']);
  if (!tar && !(Number.isSafeInteger(length) && length >= 0)) throw new HttpError(411, 'A single file needs its Content-Length (its size goes in the tar header before its bytes).');
  const staged = stagedName();
  let placing: Placing | undefined = tar ? undefined : { staged, name: fileName(name) };
  const target = await transferTarget(call, params);
  const run = new TransferRun(call.system, target, call.who, { kind: 'upload', path: params.path }, tarCommand('xmf', '-', '-C', params.path));
  const count = { skipped: 0 };
  let bytes = 0;
  // the body as it comes, until the transfer ends (closed, timed out): a client holding its body back does not hold the answer
  // (one waiter at a time: a Promise.race per chunk would keep every chunk alive until the end)
  let stopped = false;
  let stop: (() => void) | undefined;
  void run.ended.then(() => {
    stopped = true;
    stop?.();
  });
  const counted = (async function* () {
    const body = (req as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    for (;;) {
      const next = await new Promise<IteratorResult<Uint8Array> | 'ended'>((resolve, reject) => {
        if (stopped) return resolve('ended');
        stop = () => resolve('ended');
        body.next().then(resolve, reject);
      });
      stop = undefined;
      if (next === 'ended' || next.done) return;
      bytes += next.value.length;
      yield next.value;
    }
  })();
  const entries: AsyncIterable<WriteEntry> | WriteEntry[] = placing
    ? [{ name: staged, type: 'file', mode: 0o644, mtime: Date.now() / 1000, size: length, body: counted }]
    : stagingFirstFile(checkedEntries(readTar(counted), count), staged, (first) => (placing = first));
  /** the staged file is dealt with (renamed, or removed): a failure after this has nothing to remove */
  let cleared = false;
  try {
    for await (const chunk of writeTar(entries)) if (!(await run.send(chunk))) break;
    run.closeStdin();
    const outcome = await run.ended;
    if (outcome.kind !== 'exited' || outcome.code !== 0) throw transferFailure(outcome, run.stderr, target, params.path, 'upload');
    run.close();
    const placed = placing as Placing | undefined;
    // either removes the staged file when it fails
    cleared = true;
    if (placed?.superseded) await removeStaged(call, target, params.path, placed.staged);
    else if (placed) await moveIntoPlace(call, target, params.path, placed.staged, placed.name);
    return { requestId: run.requestId, sessionId: run.sessionId, bytes, skipped: count.skipped };
  } catch (error) {
    let reason = error;
    if (error instanceof TarError) reason = run.outcome && !succeeded(run) ? transferFailure(run.outcome, run.stderr, target, params.path, 'upload') : new HttpError(400, `The upload is not a tar that can be used: ${error.message}.`);
    else if (req.readableAborted && !(error instanceof HttpError)) reason = new HttpError(400, 'The upload was cut off before its end (the client went away or cancelled): tar was stopped.');
    const placed = placing as Placing | undefined;
    // tar has written all it will before its staged file goes: else it could make it again after the rm
    if (!run.outcome || !succeeded(run)) await stopTar(run);
    if (placed && !cleared && !(reason instanceof HttpError && [404, 422].includes(reason.status)) && run.outcome?.kind !== 'failed') await removeStaged(call, target, params.path, placed.staged);
    throw saidWhatStays(reason, tar, placed, params.path);
  } finally {
    run.close();
  }
}

const succeeded = (run: TransferRun) => run.outcome?.kind === 'exited' && run.outcome.code === 0;

/**
 * A tar's first entry, when it is a file at the top (the whole of `octant-exec cp FILE`), goes
 * under `staged`, told to `onStaged` to be renamed into place once tar has taken all. A later entry
 * that takes the same name (or goes under it) is the one tar would have left there: the staged copy
 * is then removed, not renamed over it.
 */
async function* stagingFirstFile(entries: AsyncIterable<WriteEntry>, staged: string, onStaged: (placing: Placing) => void): AsyncGenerator<WriteEntry> {
  let placing: Placing | undefined;
  let first = true;
  for await (const entry of entries) {
    if (first && entry.type === 'file' && entryParts(entry.name).length === 1) {
      placing = { staged, name: entry.name };
      onStaged(placing);
      yield { ...entry, name: staged };
    } else {
      if (placing && entryParts(entry.name)[0] === placing.name) placing.superseded = true;
      yield entry;
    }
    first = false;
  }
}

/** A failed upload's sentence, with what it left: a single file's destination is as it was; a tar's other entries may be there in part. */
function saidWhatStays(reason: unknown, tar: boolean, placing: Placing | undefined, dir: string): unknown {
  if (!(reason instanceof HttpError) || [404, 411, 415, 422].includes(reason.status)) return reason;
  const file = placing ? `"${placing.name}" in "${dir}" was left as it was` : '';
  if (!tar) return new HttpError(reason.status, `${reason.message} ${file[0].toUpperCase()}${file.slice(1)}.`);
  return new HttpError(reason.status, `${reason.message} What tar had written of the upload stays: "${dir}" may hold part of it${placing ? ` (${file})` : ''}.`);
}
