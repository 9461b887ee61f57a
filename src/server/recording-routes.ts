// The recording routes (docs/api.md, "Recordings"): a run's cast, to the person who ran it and
// admins only (in local mode, whoever holds the token); and turning a live terminal's recording
// on or off, by its owner. Which run was recorded, and in which file, is the log's (its recordings
// list, which outlasts the audit trail's latest runs): the file name never comes from the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEnded, isId, type RecordingReply, type SessionRow } from '../protocol/index.ts';
import type { RecordedRun } from '../events/projections/recordings.ts';
import type { Person } from '../domain/person.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import { CastDamaged, type ReadCast } from '../recording/cast-file.ts';
import type { Recorder } from '../recording/recorder.ts';
import { errorText } from '../runtime/error-text.ts';
import { isObject } from './json-object.ts';
import { sees, type Caller } from './caller.ts';
import { HttpError } from './replies.ts';
import { sendUnlessStalled } from './stalled-download.ts';
import { acceptsGzip } from './accepts-gzip.ts';
import { FairTurns } from './fair-turns.ts';

/** read back at most this much more than the limit a recording was written under (its last event may pass it a little) */
const READ_SLACK_BYTES = 1024 * 1024;
/** says, beside a cast that could only be read in part, what is wrong with the rest */
export const DAMAGE_HEADER = 'X-Recording-Damaged';

/**
 * recordings read at once (the database's read pool has as many connections), one per person; more
 * wait their turn. A turn is the check pass over the cast (a whole read of up to --record-max-bytes),
 * and, from the database, the download too (its connection); a file's download goes on after it, so
 * people who read slowly never hold every turn for as long as they go on reading
 */
const readTurns = new FairTurns<string | symbol>(2);

/** whose turn a read is: a person's own; in local mode, with one person only, each read's own */
const readerKey = (caller: Caller) => caller.person?.user ?? Symbol('a local read');

/**
 * GET /sessions/ID/recording?run=N: the cast, streamed, gzip-encoded as stored when the client
 * takes it and the recording is whole. From any replica when recordings are in the shared store;
 * otherwise (files, with replicas) only the one that recorded it has it.
 */
export async function sendRecording(system: ExecSystem, recorder: Recorder, caller: Caller, req: IncomingMessage, res: ServerResponse, sessionId: string, url: URL, replicas = false): Promise<void> {
  const record = recordedRun(system, caller, sessionId, url);
  const file = record.recording.file;
  let sendAfterTurn: (() => Promise<void>) | undefined;
  await readTurns.take(readerKey(caller), async () => {
    let cast;
    try {
      // the limit it was written under, which may have been larger than today's
      cast = await recorder.read(file, Math.max(recorder.policy.maxBytes, record.recording.bytes ?? 0) + READ_SLACK_BYTES);
    } catch (error) {
      if (error instanceof CastDamaged) throw new HttpError(422, `${error.message} ${recorder.storage.where(file)}`);
      throw new HttpError(500, `The recording could not be read (${errorText(error)}).`);
    }
    if (!cast && replicas && !recorder.storage.shared) throw new HttpError(410, `The recording of run ${record.run} of terminal ${sessionId} is not on this replica: a recording kept in files stays with the replica that recorded it (docs/recordings.md), or retention removed it.`);
    if (!cast && record.recording.stopped === 'failed' && !record.recording.bytes) throw new HttpError(410, `The recording of run ${record.run} of terminal ${sessionId} failed as it began, so nothing was kept (the server's log says why): restart the terminal to record it again.`);
    if (!cast) throw new HttpError(410, `The recording of run ${record.run} of terminal ${sessionId} is gone from the server (retention removed it, or it was deleted).`);
    const send = () => sendCast(cast, req, res, file);
    if (recorder.storage.readHoldsConnection) await send();
    else sendAfterTurn = send;
  });
  await sendAfterTurn?.();
}

/** The checked cast, streamed: gzip-encoded as stored when the client takes it and it is whole. Closes it. */
async function sendCast(cast: ReadCast, req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  try {
    const gzip = cast.gzipped && acceptsGzip(req.headers['accept-encoding']);
    const stored = gzip ? cast.stored() : undefined;
    res.writeHead(200, {
      'Content-Type': 'application/x-asciicast',
      'Content-Length': stored ? await stored.size : cast.bytes,
      'Content-Disposition': `attachment; filename="${file}"`,
      'Cache-Control': 'no-store',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      ...(cast.damage ? { [DAMAGE_HEADER]: `only the part before the damage: ${cast.damage}` } : {}),
    });
    await sendUnlessStalled(stored?.stream ?? cast.text(), res);
  } finally {
    await cast.close();
  }
}

/** The audit record of the run asked for, if the caller may see it and it was recorded; a 4xx otherwise. */
/** The run's record, from every recorded run kept (older than the audit trail's latest too). */
function recordedRun(system: ExecSystem, caller: Caller, sessionId: string, url: URL): RecordedRun {
  const runText = url.searchParams.get('run');
  if (runText !== null && !/^[1-9]\d{0,8}$/.test(runText)) throw new HttpError(400, 'run must be a run number (1, 2, …) from the audit trail.');
  const mine = (r: { sessionId?: string; person?: Person }) => r.sessionId === sessionId && sees(caller, r.person);
  const recorded = isId(sessionId) ? system.recordings.runs.filter(mine) : [];
  // another person's terminal is as unknown as one that never was: nothing is confirmed
  if (recorded.length === 0 && !(isId(sessionId) && system.auditTrail.records.some(mine))) throw new HttpError(404, `There is no terminal "${sessionId.slice(0, 64)}" with recordings you may see.`);
  const run = runText === null ? undefined : Number(runText);
  const record = recorded.filter((r) => run === undefined || r.run === run).at(-1);
  if (!record) throw new HttpError(404, `${run === undefined ? 'No run' : `Run ${run}`} of terminal ${sessionId} was${run === undefined ? '' : ' not'} recorded (the audit trail lists the recorded runs).`);
  return record;
}

/** POST /sessions/ID/recording {on}: the caller owns the running terminal (http-api.ts checked). */
export function setRecording(recorder: Recorder, row: SessionRow, body: unknown): RecordingReply {
  if (!isObject(body) || typeof body.on !== 'boolean' || Object.keys(body).length !== 1) throw new HttpError(400, 'The body must be {"on": true} or {"on": false}.');
  if (!row.interactive) throw new HttpError(400, `Terminal ${row.sessionId} runs a command without a terminal: only terminals are recorded.`);
  if (body.on && isEnded(row.state)) throw new HttpError(409, `Terminal ${row.sessionId} has ended: restart it first, then record.`);
  const refusal = recorder.set(row.sessionId, body.on);
  if (refusal) throw new HttpError(refusal.status, refusal.message);
  return { sessionId: row.sessionId, recording: recorder.recording(row.sessionId) };
}
