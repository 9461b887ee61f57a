// The server's recorder: decides which terminal runs are recorded (the --record policy, and what
// each terminal's owner asked for), feeds each one's writer from the data plane (the bytes the
// exec stream gives, never through the actors), resizes from the log, and tells the log when a
// recording starts and stops. Recordings are kept in a RecordingStorage (the state directory's
// files, or the shared store's database), named by the server (the session id it gave out, the
// run, the time), never by anything a client sent.
//
// A stream opens inside a machine step (a terminal entering its run), before the step has put
// the run's facts in the session list: its recording begins with its first byte instead (timed
// from the opening), when the run is in the list. An attempt whose program turns out missing
// (auto mode trying bash where there is only sh; Docker says so in the output) is never recorded:
// its recording is said started at its first byte (every viewer sees it), but what it printed,
// and was typed, is held until its program is known to have run (the stream's `mayBeMissing`).
// Missing, that is dropped, and the run's next attempt is the recording, under the same name:
// what was typed went there (terminal-io.ts), and begins it (--record-input), as keys typed
// before any first byte do (opening.ts); no shell found, it stops empty. One recording a run,
// holding what its program was given, once. Facts go into the log as they happen.
// A shared log gives the wish and the run's row back after a round trip, when the stream may
// already print: the wish is remembered here until then, and the bytes before the row (bounded)
// begin the recording when it comes. A restart's row comes back the same way: until the row shows
// the stream's own run (known as it opens), the previous run's row is not taken for it.
import type { RecordingPolicy } from '../protocol/http.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import { errorText } from '../runtime/error-text.ts';
import { CastWriter, type CastStop } from './cast-writer.ts';
import type { ReadCast } from './cast-file.ts';
import type { RecordingStorage } from './recording-storage.ts';
import { EARLY_MAX_BYTES, holdOutput, holdResize, holdTyped, playEarly, type Opening, type Size } from './opening.ts';
import { RECORD_MAX_BYTES } from './recording-policy.ts';
import { endsRun } from '../runtime/live-runs.ts';
import { RecordingNames } from './recording-names.ts';
import { removeExpired } from './retention.ts';

/** what a terminal's TERM is taken to be: the page's xterm.js emulates xterm-256color */
const TERM = 'xterm-256color';
const DEFAULT_SIZE = { cols: 80, rows: 24 };

interface Recording {
  writer: CastWriter;
  run: number;
  file: string;
}

/** a recording turned off; with no writer when it had written nothing (said started while its program was not known to run): its name goes on */
type Paused = Omit<Recording, 'writer'> & { writer?: CastWriter };

/** the recorder's clock, for events' times: wall time at the start, then monotonic (a clock stepped back never makes a recording's times go backwards) */
const monotonicNow = () => performance.timeOrigin + performance.now();

export class Recorder {
  readonly #recordings = new Map<string, Recording>();
  /** recordings turned off while their run goes on: turned on again in the same run, they go on in the same file (one file per run), or under the same name; compressed when the run ends */
  readonly #paused = new Map<string, Paused>();
  readonly #opening = new Map<string, Opening>();
  /** the run whose recording stopped by itself (its limit, a failed write): a run has one recording, so it is not begun again */
  readonly #spent = new Map<string, number>();
  /** each open stream's size since it was last resized (ahead of its row on a shared log) */
  readonly #streamSize = new Map<string, Size>();
  /** the run of each open stream, as it opened */
  readonly #streamRun = new Map<string, number>();
  /** open streams whose program may turn out missing (an Auto attempt: terminal-io.ts): their recording waits until it is known to have run */
  readonly #mayBeMissing = new Set<string>();
  /** recordings said started whose attempt's program was missing, nothing written: the run's next attempt goes on with them, or they stop empty with the run */
  readonly #parked = new Map<string, { run: number; file: string }>();
  /** wishes to record made here that the log has not given back yet (a shared log gives them back after a round trip: a stream may open before) */
  readonly #wishSent = new Set<string>();
  readonly #names = new RecordingNames();
  /** last writes and compressions under way */
  readonly #compressing = new Set<Promise<unknown>>();
  readonly #stop: Array<() => void>;

  constructor(
    private readonly system: ExecSystem,
    readonly storage: RecordingStorage,
    readonly policy: RecordingPolicy,
    private readonly warn: (message: string) => void,
    private readonly now: () => number = monotonicNow,
  ) {
    this.#atRest();
    this.#stop = [
      system.io.listen({
        output: (sessionId, _channel, chunk) => {
          const opening = this.#opening.get(sessionId);
          if (opening && !this.#begin(sessionId, opening)) return holdOutput(opening, chunk, this.now());
          this.#recordings.get(sessionId)?.writer.output(chunk);
        },
        ...(policy.input ? { input: (sessionId: string, data: Uint8Array) => this.#input(sessionId, data) } : {}),
        streamOpened: (sessionId, run, carried, mayBeMissing) => {
          this.#streamRun.set(sessionId, run);
          if (mayBeMissing) this.#mayBeMissing.add(sessionId);
          else this.#mayBeMissing.delete(sessionId);
          const parked = this.#parked.get(sessionId);
          // a shared log gives the end of the parked one's run back after a round trip: a restart may open first
          if (parked && parked.run !== run) this.#stopUnwritten(sessionId, parked, 'ended');
          this.#parked.delete(sessionId);
          const row = this.system.sessionList.byId[sessionId]; // the owner's wish is the row's (from the log): it outlives a restart and moves with a takeover; a run without a terminal is never recorded (#begin), and holds nothing
          if ((this.policy.mode === 'all' || row?.recordWanted || this.#wishSent.has(sessionId)) && (row?.run !== run || row.interactive)) {
            const opening = { ...this.#newOpening(sessionId, run), ...(parked?.run === run ? { file: parked.file } : {}) };
            // given to it first, typed into the run's attempt before it (whose shell was missing) or between the two
            if (policy.input) for (const chunk of carried) holdTyped(opening, chunk, opening.at);
            this.#opening.set(sessionId, opening);
          }
        },
        // told before the output that showed it: that output begins the recording, after what was held
        ran: (sessionId) => {
          this.#mayBeMissing.delete(sessionId);
          const opening = this.#opening.get(sessionId);
          if (opening) opening.unsure = false;
        },
        // from the stream, not from the log: a shared log gives session.resized back after a round trip, after the redraw it caused
        resized: (sessionId, cols, rows) => {
          this.#streamSize.set(sessionId, { cols, rows });
          const opening = this.#opening.get(sessionId);
          if (opening) holdResize(opening, { cols, rows }, this.now());
          this.#recordings.get(sessionId)?.writer.resize(cols, rows);
        },
        streamClosed: (sessionId, neverRan) => {
          const opening = this.#opening.get(sessionId);
          this.#opening.delete(sessionId); // closed before its first byte: nothing to record, unless said started
          // its program was missing: nothing of it is recorded (what was typed went on to the run's next attempt, or the run ends: no shell found)
          if (neverRan) {
            if (opening?.file !== undefined) this.#parked.set(sessionId, { run: opening.run, file: opening.file });
          } else if (opening && (opening.file !== undefined || (opening.unsure && opening.earlyBytes > 0))) {
            this.#begin(sessionId, { ...opening, unsure: false }); // it ended otherwise, so it ran: what it did, held meanwhile, is its recording
          }
          this.#streamRun.delete(sessionId);
          this.#mayBeMissing.delete(sessionId);
          this.#spent.delete(sessionId);
          this.#streamSize.delete(sessionId);
          this.#end(sessionId, 'ended');
          // never ran: the run goes on to its next attempt (one turned off keeps its name for it), or ends (#runEnded)
          if (!neverRan) this.#unpause(sessionId);
        },
      }),
      system.onEntry((entry) => {
        if (entry.type === 'recording.wanted') this.#wishSent.delete(entry.sessionId); // the row has it now
        const id = (entry as { sessionId?: unknown }).sessionId;
        if (typeof id === 'string' && endsRun(entry)) this.#runEnded(id);
        // the run is in the list now: what it printed before begins its recording
        const opening = typeof id === 'string' ? this.#opening.get(id) : undefined;
        if (opening && opening.earlyBytes > 0) this.#begin(id as string, opening);
      }),
    ];
  }

  /** Whether a terminal's run is being recorded now (said started: what it holds may still wait for its program to be known to run). */
  recording(sessionId: string): boolean {
    return this.#recordings.has(sessionId) || this.#opening.get(sessionId)?.file !== undefined || this.#parked.has(sessionId);
  }

  /**
   * Turns recording of a terminal on (its run now, if it runs, and its next ones) or off; returns
   * why not (with the HTTP status that says it) when the policy does not allow it, or, for this
   * run only, when its recording stopped by itself. The caller has checked that the terminal is
   * the caller's, and a terminal (not a command without one).
   */
  set(sessionId: string, on: boolean): { status: 400 | 409; message: string } | undefined {
    if (on && this.policy.mode === 'off') return { status: 400, message: 'This server records nothing (it was started with --record off): ask whoever runs it for --record opt-in.' };
    if (!on && this.policy.mode === 'all') return { status: 400, message: 'This server records every terminal (--record all): a recording cannot be turned off.' };
    if (this.system.sessionList.byId[sessionId]?.recordWanted !== (on || undefined)) {
      // before the fact: a log that folds it at once takes it out again
      if (on) this.#wishSent.add(sessionId);
      else this.#wishSent.delete(sessionId);
      this.system.recording({ type: 'recording.wanted', sessionId, on });
    }
    if (!on) {
      const said = this.#opening.get(sessionId) ?? this.#parked.get(sessionId);
      // on again in this run, it goes on under the name it was said with, as one that wrote goes on in its file
      if (this.#stopUnwritten(sessionId, said, 'user')) this.#paused.set(sessionId, { run: said.run, file: said.file });
      this.#parked.delete(sessionId);
      this.#opening.delete(sessionId);
      this.#end(sessionId, 'user');
      return undefined;
    }
    // the wish stands for the next runs; this one had its recording
    if (this.#spent.has(sessionId) && this.#spent.get(sessionId) === this.#streamRun.get(sessionId)) {
      return { status: 409, message: 'The recording of this run stopped (it reached --record-max-bytes, or writing it failed: the server log says which), and a run has one recording: its next run (restart the terminal) is recorded.' };
    }
    // outside any machine step (an HTTP call): the run is in the list, its recording begins now
    const run = this.#streamRun.get(sessionId);
    if (this.system.io.isRunning(sessionId) && run !== undefined) {
      const opening = this.#opening.get(sessionId) ?? this.#newOpening(sessionId, run);
      // a shared log has not given the run back yet: it begins with the next byte, or when it has
      if (!this.#begin(sessionId, opening)) this.#opening.set(sessionId, opening);
    }
    return undefined;
  }

  /** A recording named in the log, checked as it is read, or undefined when it is gone (storage.read). */
  read(file: string, maxBytes: number): Promise<ReadCast | undefined> {
    return this.storage.read(file, maxBytes);
  }

  /**
   * Removes the recordings of the runs that ended before `time` (retention: the log lets those
   * runs go then too), by the audit trail's end of each run; a run still going keeps its
   * recording, whenever that stopped. A recording whose run the trail has let go (a finished run,
   * older than the trail's latest runs) goes by when it was last written. Only the recorder's
   * own names are touched. Resolves with how many went. In a shared store, recordings that a
   * replica lost meanwhile left unfinished are finished (compressed) here too.
   */
  expire(time: number): Promise<number> {
    if (this.storage.shared) this.#atRest();
    const open = new Set([...this.#recordings.values(), ...this.#paused.values()].map((r) => r.file));
    return removeExpired(this.storage, this.system.auditTrail.records, open, time, this.warn);
  }

  /** Stops every recording (the server is stopping: their runs end) and waits for the compressions under way. */
  async close(): Promise<void> {
    for (const stop of this.#stop) stop();
    for (const [sessionId, said] of [...this.#opening, ...this.#parked]) this.#stopUnwritten(sessionId, said, 'ended');
    this.#parked.clear();
    this.#opening.clear();
    for (const sessionId of [...this.#recordings.keys()]) this.#end(sessionId, 'ended');
    for (const sessionId of [...this.#paused.keys()]) this.#unpause(sessionId);
    // stops first, then the compressions they start
    while (this.#compressing.size > 0) await Promise.all(this.#compressing);
    await this.storage.close();
  }

  /** What a process left mid-way (it stopped before the runs ended): those recordings compressed. */
  #atRest(): void {
    this.#track(
      this.storage.leftovers().then(
        (names) => names.forEach((name) => this.#finishLeftover(name)),
        (error) => this.warn(`the recordings left unfinished could not be listed (${errorText(error)}); they play as they are`),
      ),
    );
  }

  /** Resolves false when another replica finished it (the shared store), true otherwise, compressed or not. */
  #compress(file: string): Promise<boolean> {
    const done = this.storage.finish(file).catch((error) => {
      this.warn(`recording ${file} stays uncompressed (${errorText(error)}): it can be played as it is`);
      return true;
    });
    this.#track(done);
    return done;
  }

  /**
   * A recording left mid-run by a process that stopped (a SIGKILL, a lost replica): compressed, and,
   * where the log never heard it stop, its stop logged with what the file holds (its run ended
   * with that process; nothing readable, not even a header: failed, with no bytes). With a shared
   * store, only by the replica that finished it.
   */
  #finishLeftover(file: string): void {
    const logged = async () => {
      const record = this.system.auditTrail.records.find((r) => r.recording?.file === file);
      if (!record?.sessionId || record.run === undefined || record.recording!.stopped !== undefined) return;
      const cast = await this.storage.read(file, RECORD_MAX_BYTES).catch(() => undefined); // damaged past reading (CastDamaged): nothing kept
      await cast?.close();
      this.system.recording({ type: 'recording.stopped', sessionId: record.sessionId, run: record.run, file, reason: cast ? 'ended' : 'failed', bytes: cast?.bytes ?? 0 });
    };
    this.#track(
      this.#compress(file)
        .then((finishedHere) => (finishedHere ? logged() : undefined))
        .catch((error) => this.warn(`the end of recording ${file}, left by a process that stopped, could not be logged (${errorText(error)})`)),
    );
  }

  /** A stream of `run` to be recorded from now, at the size it has now. */
  #newOpening(sessionId: string, run: number): Opening {
    const size = this.#streamSize.get(sessionId);
    return { at: this.now(), run, early: [], earlyBytes: 0, typedBytes: 0, ...(size ? { size } : {}), ...(this.#mayBeMissing.has(sessionId) ? { unsure: true } : {}) };
  }

  /** Keystrokes (--record-input): into the recording, or held to begin it when they came before its first byte. */
  #input(sessionId: string, data: Uint8Array): void {
    const recording = this.#recordings.get(sessionId);
    if (recording) return recording.writer.input(data);
    const opening = this.#opening.get(sessionId);
    if (opening) holdTyped(opening, data, this.now());
  }

  /**
   * Begins recording a running terminal's run, timed from `opening.at`, with what it printed
   * before; false (nothing done) while the log has not given its run back yet (no row, or the
   * previous run's: a restart's row comes back after a round trip too), or its program may not run.
   */
  #begin(sessionId: string, opening: Opening): boolean {
    const row = this.system.sessionList.byId[sessionId];
    if (!row || row.run !== opening.run) return false;
    // for the header and the name, the wall clock's time of it: the recorder's clock, from the process's start, misses a sleep or a clock set right since
    const [now, wall] = [opening.at, Date.now() - (this.now() - opening.at)];
    const paused = this.#paused.get(sessionId)?.run === row.run ? this.#paused.get(sessionId) : undefined;
    if (opening.unsure && row.interactive) {
      // said now, for every viewer to see; written once its program is known to have run, at the size it has now (it may be resized meanwhile)
      opening.size ??= row.size ?? DEFAULT_SIZE;
      opening.file ??= this.#started(sessionId, row.run, paused?.file ?? this.#names.next(sessionId, row.run, wall));
      return false;
    }
    this.#opening.delete(sessionId);
    if (this.#recordings.has(sessionId) || !row.interactive) return true;
    if (opening.earlyBytes > EARLY_MAX_BYTES) {
      const why = `it printed more than ${EARLY_MAX_BYTES} bytes before the shared log gave its run back (the database is slow to answer)`;
      this.#notRecorded(sessionId, row.run, opening.file ?? this.#names.next(sessionId, row.run, wall), why, opening.file !== undefined);
      return true;
    }
    if (paused) this.#paused.delete(sessionId);
    else this.#unpause(sessionId); // an earlier run's: done
    const file = paused?.file ?? opening.file ?? this.#names.next(sessionId, row.run, wall);
    const size = opening.size ?? row.size ?? DEFAULT_SIZE;
    let writer: CastWriter | undefined;
    try {
      writer = new CastWriter({
        name: file,
        storage: this.storage,
        header: { width: size.cols, height: size.rows, timestamp: Math.floor(wall / 1000), command: row.argv.join(' '), env: { TERM } },
        maxBytes: this.policy.maxBytes,
        now: this.now,
        startedAt: now,
        ...(paused?.writer ? { resume: paused.writer } : {}),
        stoppedItself: (reason, detail) => {
          this.warn(`the recording of terminal ${sessionId} (run ${row.run}) stopped: ${detail}; the terminal goes on unrecorded${reason === 'limit' ? ' (--record-max-bytes sets the limit)' : ''}`);
          // only while it is the terminal's recording: one turned off, or of a run that ended, may fail at its last write after the next has begun
          if (writer !== undefined && this.#recordings.get(sessionId)?.writer === writer) this.#end(sessionId, reason);
        },
      });
    } catch (error) {
      this.#notRecorded(sessionId, row.run, file, errorText(error), opening.file !== undefined);
      return true;
    }
    this.#recordings.set(sessionId, { writer, run: row.run, file });
    if (opening.file === undefined) this.#started(sessionId, row.run, file);
    // resumed, the resize it owed may not fit: it stopped at its limit as it was made, before it was the terminal's recording
    if (writer.stopped) this.#end(sessionId, writer.stopped);
    playEarly(opening, writer);
    return true;
  }

  /** Says a recording started; returns its name. */
  #started(sessionId: string, run: number, file: string): string {
    this.system.recording({ type: 'recording.started', sessionId, run, file, ...(this.policy.input ? { input: true as const } : {}) });
    return file;
  }

  /** A run to be recorded that is not: the tab and the log must say it, not only the server's output (a started fact, unless `said`, then its failure). */
  #notRecorded(sessionId: string, run: number, file: string, why: string, said: boolean): void {
    this.warn(`terminal ${sessionId} (run ${run}) is not recorded: ${why}`);
    this.#spent.set(sessionId, run);
    if (!said) this.#started(sessionId, run, file);
    this.system.recording({ type: 'recording.stopped', sessionId, run, file, reason: 'failed', bytes: 0 });
  }

  /** A recording said started that wrote nothing (its program not yet known to run, or missing) stops so: turned off, or its run over. False when `said` was never said started. */
  #stopUnwritten(sessionId: string, said: { run: number; file?: string } | undefined, reason: CastStop): said is { run: number; file: string } {
    if (said?.file === undefined) return false;
    this.system.recording({ type: 'recording.stopped', sessionId, run: said.run, file: said.file, reason, bytes: 0 });
    return true;
  }

  #end(sessionId: string, reason: CastStop): void {
    const recording = this.#recordings.get(sessionId);
    if (!recording) return;
    this.#recordings.delete(sessionId);
    const { writer, run, file } = recording;
    // turned off, its run goes on: on again, it goes on in this file; stopped by itself, it is spent
    if (reason === 'user') this.#paused.set(sessionId, recording);
    else if (reason === 'limit' || reason === 'failed') this.#spent.set(sessionId, run);
    // the fact says what is on the disk: it waits for the last write (and a failure of it)
    this.#track(
      writer.stop(reason).then(() => {
        this.system.recording({ type: 'recording.stopped', sessionId, run, file, reason: writer.stopped ?? reason, bytes: writer.bytes });
        if (reason !== 'user') this.#compressWhole(writer, file);
      }),
    );
  }

  /** A recording turned off whose run is over (ended, restarted, or the server stops): compressed at rest. */
  #unpause(sessionId: string): void {
    const paused = this.#paused.get(sessionId);
    if (!paused) return;
    this.#paused.delete(sessionId);
    const { writer, file } = paused;
    if (writer) this.#track(writer.closed.then(() => this.#compressWhole(writer, file)));
  }

  /**
   * The log says a run ended with no attempt after the parked one's (an open stream's recording ends with
   * it): that one stops, having written nothing. One turned off goes if the row shows its run: a shared
   * log gives the end back after a round trip, when a restart's may be turned off already.
   */
  #runEnded(sessionId: string): void {
    if (this.#stopUnwritten(sessionId, this.#parked.get(sessionId), 'ended')) this.#parked.delete(sessionId);
    const paused = this.#paused.get(sessionId);
    if (paused && paused.run === (this.system.sessionList.byId[sessionId]?.run ?? paused.run)) this.#unpause(sessionId);
  }

  #compressWhole(writer: CastWriter, file: string): void {
    if (writer.bytes > 0) this.#compress(file); // a file that never got its header was removed
  }

  /** Keeps `work` until it is done, so close() waits for it. */
  #track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.#compressing.delete(tracked));
    this.#compressing.add(tracked);
  }
}
