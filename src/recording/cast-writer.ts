// One recording of one run, written as asciicast v2 (a JSON header line, then one JSON array per
// event: [seconds, "o"|"i"|"r", data]) while the run goes on. Lines are buffered and written at
// least every `flushMs`, and made durable (fdatasync) at most once a `flushMs` (a crash loses at
// most about that much), never past `maxBytes` (the recording stops there; the terminal does
// not); a write is always made durable within `flushMs` (a timer armed by the write, so an idle
// terminal's last output is not left waiting for its next). Where the bytes go is a CastSinks
// (recording-storage.ts): a file by default, or the database's rows. Writes are asynchronous, one in flight per writer, so a slow disk never holds the event
// loop (the terminals' bytes). Output bytes arrive in chunks that may cut a UTF-8 character in
// two: each direction has its own streaming decoder, so the halves meet again. Event times never
// go backwards (the clock given should be monotonic; a step back is still clamped).
// When the run ends the file is compressed at rest (compress-cast.ts).
import { open, unlink } from 'node:fs/promises';
import { errorText } from '../runtime/error-text.ts';
import type { CastSink, CastSinks } from './recording-storage.ts';

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** seconds since the epoch */
  timestamp: number;
  command: string;
  env: { TERM: string };
}

/** Why a recording stopped: the run ended, it reached its size limit, someone turned it off, or the disk refused it. */
export type CastStop = 'ended' | 'limit' | 'user' | 'failed';

export interface CastWriterOptions {
  /** its name in `storage` (with the default, files: its path) */
  name: string;
  header: Omit<CastHeader, 'version'>;
  /** the file never grows past this (the header included) */
  maxBytes: number;
  /** ms, from a clock that should not step back (injected: tests drive time): events' times, and how often a write is made durable */
  now: () => number;
  /** the recording's time zero (default: now) */
  startedAt?: number;
  /** written to the disk at least this often while events come */
  flushMs?: number;
  /** told once when the writer stops by itself: at the limit, or when the file cannot be made or written (with why) */
  stoppedItself?: (reason: 'limit' | 'failed', detail: string) => void;
  /** where it is written; default: files (a new one mode 0600, never one that exists; tests put a failing disk here) */
  storage?: CastSinks;
  /** the same run's recording, stopped (turned off, now on again): this one goes on in its file, after it closes, with its time zero and no second header */
  resume?: CastWriter;
}

/** buffered lines past this size are written at once, whatever the timer */
const FLUSH_BYTES = 64 * 1024;
/**
 * bytes handed to the disk that it has not taken yet: past this the recording stops as failed (a
 * disk that does not answer would otherwise keep up to --record-max-bytes of each recorded
 * terminal in memory); seconds of a busy terminal, so a slow datasync alone does not reach it
 */
export const MAX_WAITING_BYTES = 32 * 1024 * 1024;
export const CAST_FLUSH_MS = 1000;

/** recordings as files, named by their paths */
export const castFiles: CastSinks = {
  noun: 'file',
  open: (path, append) => open(path, append ? 'a' : 'wx', 0o600),
  discard: (path) => unlink(path),
};

export class CastWriter {
  readonly #options: CastWriterOptions;
  readonly #started: number;
  readonly #decoders = { o: new TextDecoder(), i: new TextDecoder() };
  #file: CastSink | undefined;
  /** the writes, one after the other: the last one queued */
  #queue: Promise<void>;
  #buffer: string[] = [];
  #buffered = 0;
  /** bytes handed to the queue (the limit counts these) */
  #queued = 0;
  /** bytes the disk took */
  #written = 0;
  /** bytes handed to the queue that the disk has not taken yet (the header's aside): what a disk that does not answer makes the writer hold */
  #waiting = 0;
  /** where the last whole write ended: the file is cut back to it when a write fails half-way */
  #lineEnd = 0;
  #syncedAt = -Infinity;
  /** the last event's time: times never go backwards */
  #lastSeconds = 0;
  /** the size the cast says the terminal has now (its header's, then its last resize) */
  #size: { cols: number; rows: number };
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** armed by a write not yet made durable: it is, within the flush interval */
  #syncTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped: CastStop | undefined;
  #failed = false;
  readonly #closed: Promise<void>;
  #close!: () => void;

  /**
   * Starts the file (it is created and its header written in the background): a header larger
   * than `maxBytes` throws at once; a file that cannot be made or written is removed and
   * `stoppedItself('failed')` says why.
   */
  constructor(options: CastWriterOptions) {
    this.#options = options;
    const { resume } = options;
    this.#started = resume?.startedAt ?? options.startedAt ?? options.now();
    this.#lastSeconds = resume ? resume.#lastSeconds : 0;
    const header = `${JSON.stringify({ version: 2, ...options.header })}\n`;
    if (Buffer.byteLength(header) > options.maxBytes) throw new Error(`the recording limit (${options.maxBytes} bytes) leaves no room for its header (the command is too long)`);
    this.#closed = new Promise((resolve) => (this.#close = resolve));
    this.#queue = resume ? this.#resumed(resume, header, resume.bytes) : this.#opened(header);
    // what the file already holds counts against the limit from now, not once the previous writer has closed
    this.#queued = resume ? resume.bytes : Buffer.byteLength(header);
    const now = { cols: options.header.width, rows: options.header.height };
    this.#size = resume ? resume.#size : now;
    // resized while the recording was off: the cast goes on at the size the terminal has now
    if (resume && (now.cols !== this.#size.cols || now.rows !== this.#size.rows)) this.resize(now.cols, now.rows);
  }

  /** the recording's time zero */
  get startedAt(): number {
    return this.#started;
  }

  /** bytes on the disk and on their way there; once stopped, what the disk took */
  get bytes(): number {
    return this.#queued + this.#buffered;
  }

  get stopped(): CastStop | undefined {
    return this.#stopped;
  }

  /** Settles when the file is closed (everything written and durable, or the failure told). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** `at`: when it happened, for what was held before the recording began (default: now) */
  output(chunk: Uint8Array, at?: number): void {
    this.#event('o', this.#decoders.o.decode(chunk, { stream: true }), at);
  }

  input(chunk: Uint8Array, at?: number): void {
    this.#event('i', this.#decoders.i.decode(chunk, { stream: true }), at);
  }

  resize(cols: number, rows: number, at?: number): void {
    this.#size = { cols, rows };
    this.#event('r', `${cols}x${rows}`, at);
  }

  /** Ends the recording (what the decoders still hold goes first); safe to call twice. Returns `closed`. */
  stop(reason: CastStop): Promise<void> {
    if (!this.#stopped) {
      for (const kind of ['o', 'i'] as const) this.#event(kind, this.#decoders[kind].decode());
      this.#end(reason);
    }
    return this.#closed;
  }

  /** Goes on in the file `previous` wrote, once it is closed; a new file when it left none. `counted`: its bytes as counted at the start. */
  async #resumed(previous: CastWriter, header: string, counted: number): Promise<void> {
    await previous.closed;
    if (previous.bytes === 0) {
      this.#queued += Buffer.byteLength(header) - counted;
      return this.#opened(header);
    }
    try {
      this.#file = await this.#storage.open(this.#options.name, true);
      this.#queued += previous.bytes - counted;
      this.#written = this.#lineEnd = previous.bytes;
    } catch (error) {
      await this.#fail(error, false);
    }
  }

  async #opened(header: string): Promise<void> {
    try {
      this.#file = await this.#storage.open(this.#options.name, false);
      await this.#put(Buffer.from(header));
    } catch (error) {
      // a file without its whole header is no recording: nothing is left behind
      await this.#fail(error, true);
    }
  }

  #event(kind: 'o' | 'i' | 'r', data: string, at = this.#options.now()): void {
    if (this.#stopped || data === '') return;
    const seconds = (this.#lastSeconds = Math.max(this.#lastSeconds, (at - this.#started) / 1000));
    const line = eventLine(seconds, kind, data);
    const size = Buffer.byteLength(line);
    const room = this.#options.maxBytes - this.bytes;
    if (size > room) {
      // what fits of the event goes in, so one big chunk does not leave the cast far short of its limit (a size is not cut)
      const part = kind === 'r' ? '' : longestFitting(data, (n) => Buffer.byteLength(eventLine(seconds, kind, data.slice(0, n))) <= room);
      if (part) this.#buffer.push(eventLine(seconds, kind, part));
      this.#end('limit');
      if (this.#stopped === 'limit') this.#options.stoppedItself?.('limit', `it reached its limit of ${this.#options.maxBytes} bytes`);
      return;
    }
    this.#buffer.push(line);
    this.#buffered += size;
    if (this.#buffered >= FLUSH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#flushMs);
  }

  /** Hands what is buffered to the queue. */
  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length === 0) return;
    const bytes = Buffer.from(this.#buffer.join(''));
    this.#buffer = [];
    this.#buffered = 0;
    if (this.#waiting + bytes.length > MAX_WAITING_BYTES) {
      // said now, not when the disk answers; the file is cut back and closed after the write under way
      this.#failing(new Error(`the disk has not taken the last ${this.#waiting} bytes: it does not answer, or is much slower than the terminal`), false);
      this.#queue = this.#queue.then(() => this.#release(false));
      return;
    }
    this.#queued += bytes.length;
    this.#waiting += bytes.length;
    this.#queue = this.#queue.then(() =>
      this.#failed
        ? undefined
        : this.#put(bytes).then(
            () => void (this.#waiting -= bytes.length),
            (error) => this.#fail(error, false),
          ),
    );
  }

  /** Writes all of `bytes`, counting what the disk took (a partial write then a failure counts the part); durable at most once a flush interval. */
  async #put(bytes: Buffer): Promise<void> {
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await this.#file!.write(bytes, at, bytes.length - at);
      at += bytesWritten;
      this.#written += bytesWritten;
    }
    this.#lineEnd = this.#written;
    const since = this.#options.now() - this.#syncedAt;
    if (since >= this.#flushMs) await this.#sync();
    else this.#syncTimer ??= setTimeout(() => this.#syncLater(), this.#flushMs - since);
  }

  async #sync(): Promise<void> {
    if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    this.#syncedAt = this.#options.now();
    await this.#file!.datasync();
  }

  /** The last write, not yet durable: made so, in its turn among the writes. */
  #syncLater(): void {
    this.#syncTimer = undefined;
    this.#queue = this.#queue.then(() => (this.#failed || !this.#file ? undefined : this.#sync().catch((error) => this.#fail(error, false))));
  }

  get #flushMs(): number {
    return this.#options.flushMs ?? CAST_FLUSH_MS;
  }

  get #storage(): CastSinks {
    return this.#options.storage ?? castFiles;
  }

  /** A write failed: the recording stops there, its file ends at its last whole line (or is removed, `header`: it had none). */
  async #fail(error: unknown, header: boolean): Promise<void> {
    if (this.#failed) return;
    this.#failing(error, header);
    await this.#release(header);
  }

  /** Stops the recording as failed and says why, before the file is let go (a disk that does not answer may hold that up). */
  #failing(error: unknown, header: boolean): void {
    this.#failed = true;
    this.#stopped = 'failed';
    this.#clear();
    this.#options.stoppedItself?.('failed', `the ${this.#storage.noun} could not be ${header ? 'made' : 'written'} (${errorText(error)})`);
  }

  /** After a failure: the file cut back to its last whole line and closed (or removed), the count made what it holds; then `closed` settles. */
  async #release(header: boolean): Promise<void> {
    // a name it could not open (taken: 'wx') is another recording's, which must not go with this one
    const made = this.#file !== undefined;
    // a torn line would read back as damage; the count is what stays on the disk
    await this.#file?.truncate(this.#lineEnd).catch(() => undefined);
    await this.#file?.close().catch(() => undefined);
    // what a sink let go (the database's, that could not store its last bytes) is not kept: the count says what is
    const dropped = this.#file?.dropped ?? 0;
    this.#file = undefined;
    if (header && made) await this.#storage.discard(this.#options.name).catch(() => undefined);
    this.#queued = this.#written = header ? 0 : this.#lineEnd - dropped;
    this.#close();
  }

  #clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer);
    this.#timer = this.#syncTimer = undefined;
    this.#buffer = [];
    this.#buffered = 0;
  }

  #end(reason: CastStop): void {
    if (this.#stopped) return;
    this.#flush();
    if (this.#failed) return; // the last lines found the disk not answering: stopped as failed (#flush)
    this.#stopped = reason;
    this.#clear();
    this.#queue = this.#queue.then(async () => {
      if (this.#failed) return;
      try {
        await this.#file!.datasync();
        await this.#file!.close();
        this.#file = undefined;
        this.#close();
      } catch (error) {
        await this.#fail(error, false);
      }
    });
  }
}

const eventLine = (seconds: number, kind: 'o' | 'i' | 'r', data: string) => `${JSON.stringify([seconds, kind, data])}\n`;

/** The longest start of `text` that `fits` (which holds for fewer characters if for more), never half of a surrogate pair. */
function longestFitting(text: string, fits: (length: number) => boolean): string {
  let [low, high] = [0, text.length];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const code = text.charCodeAt(low - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? low - 1 : low);
}
