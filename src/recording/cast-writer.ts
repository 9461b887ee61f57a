// One recording of one run, written as asciicast v2 (a JSON header line, then one JSON array per
// event: [seconds, "o"|"i"|"r", data]) while the run goes on. Lines are buffered and written at
// least every `flushMs` (a crash loses at most that much), never past `maxBytes` (the recording
// stops there; the terminal does not). Output bytes arrive in chunks that may cut a UTF-8
// character in two: each direction has its own streaming decoder, so the halves meet again.
// When the run ends the file is compressed at rest (compressCast).
import { closeSync, createReadStream, createWriteStream, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { errorText } from '../runtime/error-text.ts';

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
  path: string;
  header: Omit<CastHeader, 'version'>;
  /** the file never grows past this (the header included) */
  maxBytes: number;
  /** ms since the epoch (injected: tests drive time) */
  now: () => number;
  /** the recording's time zero (default: now) */
  startedAt?: number;
  /** written to the disk at least this often while events come */
  flushMs?: number;
  /** told once when the writer stops by itself: at the limit, or when a write fails (with why) */
  stoppedItself?: (reason: 'limit' | 'failed', detail: string) => void;
}

/** buffered lines past this size are written at once, whatever the timer */
const FLUSH_BYTES = 64 * 1024;
export const CAST_FLUSH_MS = 1000;

export class CastWriter {
  readonly #options: CastWriterOptions;
  readonly #started: number;
  readonly #decoders = { o: new TextDecoder(), i: new TextDecoder() };
  #fd: number | undefined;
  #buffer: string[] = [];
  #buffered = 0;
  #written = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped: CastStop | undefined;

  /** Creates the file (mode 0600; an existing one is never overwritten) and writes the header. */
  constructor(options: CastWriterOptions) {
    this.#options = options;
    this.#started = options.startedAt ?? options.now();
    const header = `${JSON.stringify({ version: 2, ...options.header })}\n`;
    if (Buffer.byteLength(header) > options.maxBytes) throw new Error(`the recording limit (${options.maxBytes} bytes) leaves no room for its header`);
    this.#fd = openSync(options.path, 'wx', 0o600);
    this.#write(header);
  }

  /** bytes on the disk and waiting to be written */
  get bytes(): number {
    return this.#written + this.#buffered;
  }

  get stopped(): CastStop | undefined {
    return this.#stopped;
  }

  output(chunk: Uint8Array): void {
    this.#event('o', this.#decoders.o.decode(chunk, { stream: true }));
  }

  input(chunk: Uint8Array): void {
    this.#event('i', this.#decoders.i.decode(chunk, { stream: true }));
  }

  resize(cols: number, rows: number): void {
    this.#event('r', `${cols}x${rows}`);
  }

  /** Ends the recording (what the decoders still hold goes first) and closes the file; safe to call twice. */
  stop(reason: CastStop): void {
    if (this.#stopped) return;
    for (const kind of ['o', 'i'] as const) this.#event(kind, this.#decoders[kind].decode());
    this.#end(reason);
  }

  #event(kind: 'o' | 'i' | 'r', data: string): void {
    if (this.#stopped || data === '') return;
    const seconds = Math.max(0, this.#options.now() - this.#started) / 1000;
    const line = `${JSON.stringify([seconds, kind, data])}\n`;
    const size = Buffer.byteLength(line);
    if (this.bytes + size > this.#options.maxBytes) {
      this.#end('limit');
      this.#options.stoppedItself?.('limit', `it reached its limit of ${this.#options.maxBytes} bytes`);
      return;
    }
    this.#buffer.push(line);
    this.#buffered += size;
    if (this.#buffered >= FLUSH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#options.flushMs ?? CAST_FLUSH_MS);
  }

  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length === 0 || this.#fd === undefined) return;
    const text = this.#buffer.join('');
    this.#buffer = [];
    this.#buffered = 0;
    try {
      this.#write(text);
    } catch (error) {
      this.#end('failed');
      this.#options.stoppedItself?.('failed', `the file could not be written (${errorText(error)})`);
    }
  }

  #write(text: string): void {
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; ) at += writeSync(this.#fd!, bytes, at);
    this.#written += bytes.length;
  }

  #end(reason: CastStop): void {
    if (this.#stopped) return;
    if (reason !== 'failed') this.#flush();
    this.#stopped ??= reason;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#buffer = [];
    this.#buffered = 0;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/**
 * Compresses a finished recording to `path`.gz (mode 0600) and removes `path`; returns the new
 * path. The .gz appears whole or not at all (written aside, then renamed): a crash meanwhile
 * leaves the plain file, which plays as it is.
 */
export async function compressCast(path: string): Promise<string> {
  const target = `${path}.gz`;
  const part = `${target}.part`;
  await pipeline(createReadStream(path), createGzip(), createWriteStream(part, { flags: 'wx', mode: 0o600 }));
  renameSync(part, target);
  unlinkSync(path);
  return target;
}
