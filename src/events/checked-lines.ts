// Lines of a log to entries: every line is checked (JSON, an object with type, seq and time, and
// the fields its type holds: entry-shapes.ts), and sequence numbers must grow. A line whose number was damaged into another valid one would
// make every good line after it look out of order; keeping the longest increasing run instead
// drops just the odd one out. The run is chosen over a window of lines, so a log of any length
// streams through in constant memory.
import { shapeProblem } from './entry-shapes.ts';
import type { SourceLine } from './line-reader.ts';
import type { LogEntry } from './log-entry.ts';

export type CheckedLine = SourceLine & ({ entry: LogEntry; problem?: undefined } | { entry?: undefined; problem: string });

/** lines decided at a time; as many again are looked ahead */
const WINDOW = 512;

/** Every non-blank line with seq > `after` (or damaged), in order, as an entry or with its problem. */
export function* checkLines(lines: Iterable<SourceLine>, after = 0): Generator<CheckedLine, void, undefined> {
  let window: CheckedLine[] = [];
  let floor = after;
  const decide = function* (count: number) {
    const candidates = window.map((item, i) => (item.entry && item.entry.seq > floor ? i : -1)).filter((i) => i >= 0);
    const kept = new Set(longestIncreasing(candidates.map((i) => window[i].entry!.seq)).map((k) => candidates[k]));
    for (let i = 0; i < count; i++) {
      const item = window[i];
      if (item.entry && !kept.has(i)) {
        yield { ...item, entry: undefined, problem: `sequence ${item.entry.seq} is out of order` } as CheckedLine;
      } else {
        if (item.entry) floor = item.entry.seq;
        yield item;
      }
    }
    window = window.slice(count);
  };
  for (const line of lines) {
    if (line.text.trim() === '') continue;
    const before = after > 0 ? quickSeq(line.text) : undefined;
    if (before !== undefined && before <= after) continue; // not wanted: not even parsed
    const checked = checkLine(line.text);
    if (typeof checked === 'string') window.push({ ...line, problem: checked });
    else if (checked.seq > after) window.push({ ...line, entry: checked });
    if (window.length === 2 * WINDOW) yield* decide(WINDOW);
  }
  yield* decide(window.length);
}

/** The entry a line holds, if it is a whole and valid one. */
export function entryOf(text: string): LogEntry | undefined {
  const checked = checkLine(text);
  return typeof checked === 'string' ? undefined : checked;
}

/** An entry line's seq, read off its end where the writer puts it (`…,"seq":N,"time":T}`), else from the whole line. */
export function seqOf(text: string): number | undefined {
  return quickSeq(text) ?? entryOf(text)?.seq;
}

const SEQ_AT_END = /,"seq":(\d+),"time":[-\d.e+]+}$/;

function quickSeq(text: string): number | undefined {
  const match = SEQ_AT_END.exec(text);
  return match ? Number(match[1]) : undefined;
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
  return checkEntry(value);
}

/** The entry a parsed value is, or what is wrong with it: the one check for lines of a file and rows of a database. */
export function checkEntry(value: unknown): LogEntry | string {
  if (typeof value !== 'object' || value === null) return 'not an entry';
  const entry = value as Partial<LogEntry>;
  if (typeof entry.type !== 'string' || typeof entry.seq !== 'number' || typeof entry.time !== 'number') return 'missing type, seq or time';
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) return `sequence ${entry.seq} is not a number from 1 up`;
  return shapeProblem(entry as LogEntry) ?? (entry as LogEntry);
}
