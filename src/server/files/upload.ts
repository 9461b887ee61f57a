// POST /api/v1/files/upload: a tar (application/x-tar) or one file (any other type, with
// `name=`) put under a directory of a container by `tar xmf - -C DIR` (under LC_ALL=C:
// tar-command.ts), as kubectl cp does. A client's tar is re-read and re-written on the way
// (checked-entries.ts): a damaged one is a 400, names that climb out are refused. The body is
// sent as the exec takes it (flat memory).
import type { IncomingMessage } from 'node:http';
import { checkedEntries } from '../../files/checked-entries.ts';
import { readTar } from '../../files/tar-reader.ts';
import { TarError } from '../../files/tar-error.ts';
import { writeTar, type WriteEntry } from '../../files/tar-writer.ts';
import { HttpError } from '../replies.ts';
import { transferTarget, type FilesCall } from './files-call.ts';
import { fileName, transferParams } from './transfer-params.ts';
import { transferFailure } from './transfer-failure.ts';
import { TransferRun } from './transfer-run.ts';
import { tarCommand } from './tar-command.ts';

export interface UploadReply {
  requestId: string;
  sessionId: string;
  /** bytes of the request body sent on */
  bytes: number;
  /** entries of an uploaded tar left out: links pointing outside, hard links, devices, fifos, names not UTF-8 */
  skipped: number;
}

const isTar = (type: string | undefined) => /^application\/(x-)?tar\s*(;|$)/i.test(type ?? '');

export async function upload(call: FilesCall, req: IncomingMessage, url: URL): Promise<UploadReply> {
  const params = transferParams(url, ['name']);
  const tar = isTar(req.headers['content-type']);
  const name = url.searchParams.get('name') ?? undefined;
  if (!tar && name === undefined) throw new HttpError(415, 'Send a tar (Content-Type: application/x-tar), or one file with &name=FILE to say what to call it.');
  const length = Number(req.headers['content-length']);
  if (!tar && !(Number.isSafeInteger(length) && length >= 0)) throw new HttpError(411, 'A single file needs its Content-Length (its size goes in the tar header before its bytes).');
  const single: WriteEntry | undefined = tar ? undefined : { name: fileName(name), type: 'file', mode: 0o644, mtime: Date.now() / 1000, size: length, body: req };
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
  try {
    const stream = writeTar(single ? [{ ...single, body: counted }] : checkedEntries(readTar(counted), count));
    for await (const chunk of stream) if (!(await run.send(chunk))) break;
    run.closeStdin();
    const outcome = await run.ended;
    if (outcome.kind !== 'exited' || outcome.code !== 0) throw transferFailure(outcome, run.stderr, target, params.path, 'upload');
    return { requestId: run.requestId, sessionId: run.sessionId, bytes, skipped: count.skipped };
  } catch (error) {
    if (error instanceof TarError) throw run.outcome && !succeeded(run) ? transferFailure(run.outcome, run.stderr, target, params.path, 'upload') : new HttpError(400, `The upload is not a tar that can be used: ${error.message}.`);
    if (req.readableAborted && !(error instanceof HttpError)) throw new HttpError(400, 'The upload was cut off before its end (the client went away or cancelled): tar was stopped, and what it had written stays.');
    throw error;
  } finally {
    run.close();
  }
}

const succeeded = (run: TransferRun) => run.outcome?.kind === 'exited' && run.outcome.code === 0;
