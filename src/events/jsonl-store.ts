// The event log as an append-only JSON Lines file: one entry per line, never rewritten.
// A crash can tear the last line; reading skips a torn or corrupt line with a warning and keeps
// every intact entry around it. Opening makes sure the next entry starts on a fresh line, so a
// torn tail can never glue itself onto a good entry.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogDamage, LogEntry } from './log-entry.ts';
import type { EventStore } from './store.ts';

export class JsonlStore implements EventStore {
  #fd: number | undefined;

  constructor(readonly path: string) {}

  load(): { entries: LogEntry[]; damage: LogDamage[] } {
    if (!existsSync(this.path)) return { entries: [], damage: [] };
    return parseJsonl(readFileSync(this.path, 'utf8'));
  }

  append(entry: LogEntry): void {
    writeSync(this.#open(), JSON.stringify(entry) + '\n');
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    mkdirSync(dirname(this.path), { recursive: true });
    this.#fd = openSync(this.path, 'a+', 0o600);
    if (!endsWithNewline(this.#fd)) writeSync(this.#fd, '\n');
    return this.#fd;
  }
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = new Uint8Array(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Every intact entry of a JSONL log, in order, and a note for every line that is not one. */
export function parseJsonl(text: string): { entries: LogEntry[]; damage: LogDamage[] } {
  const entries: LogEntry[] = [];
  const damage: LogDamage[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const problem = checkLine(line, entries.at(-1)?.seq ?? 0);
    if (typeof problem === 'string') damage.push({ line: index + 1, problem });
    else entries.push(problem);
  });
  return { entries, damage };
}

function checkLine(line: string, lastSeq: number): LogEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a torn or corrupt line)';
  }
  if (typeof value !== 'object' || value === null) return 'not an entry';
  const entry = value as Partial<LogEntry>;
  if (typeof entry.type !== 'string' || typeof entry.seq !== 'number' || typeof entry.time !== 'number') return 'missing type, seq or time';
  if (entry.seq <= lastSeq) return `sequence ${entry.seq} after ${lastSeq}`;
  return entry as LogEntry;
}
