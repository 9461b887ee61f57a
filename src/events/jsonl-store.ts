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
  const candidates: { line: number; entry: LogEntry }[] = [];
  const damage: LogDamage[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = checkLine(line);
    if (typeof entry === 'string') damage.push({ line: index + 1, problem: entry });
    else candidates.push({ line: index + 1, entry });
  });
  // Sequence numbers only grow. A line whose number was damaged into another valid one would
  // make every good line after it look out of order; keeping the longest increasing run instead
  // drops just the odd one out.
  const kept = new Set(longestIncreasing(candidates.map((c) => c.entry.seq)));
  candidates.forEach((candidate, i) => {
    if (!kept.has(i)) damage.push({ line: candidate.line, problem: `sequence ${candidate.entry.seq} is out of order` });
  });
  damage.sort((a, b) => a.line - b.line);
  return { entries: candidates.filter((_, i) => kept.has(i)).map((c) => c.entry), damage };
}

/** Indexes of a longest strictly increasing subsequence, the one with the smallest values on ties. */
function longestIncreasing(values: number[]): number[] {
  const tails: number[] = []; // tails[k]: index of the smallest last value of an increasing run of length k+1
  const previous: number[] = new Array(values.length).fill(-1);
  values.forEach((value, i) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[tails[mid]] < value) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1];
    tails[low] = i;
  });
  const run: number[] = [];
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i]) run.push(i);
  return run.reverse();
}

function checkLine(line: string): LogEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a torn or corrupt line)';
  }
  if (typeof value !== 'object' || value === null) return 'not an entry';
  const entry = value as Partial<LogEntry>;
  if (typeof entry.type !== 'string' || typeof entry.seq !== 'number' || typeof entry.time !== 'number') return 'missing type, seq or time';
  return entry as LogEntry;
}
