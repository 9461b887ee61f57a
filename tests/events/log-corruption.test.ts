// Property: whatever happens to the bytes of an event log, reading it never throws, keeps every
// line that was not touched, in order, and reports the damaged ones. The file is read in chunks
// of a few bytes, so lines fall across chunk boundaries everywhere.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLines } from '../../src/events/checked-lines.ts';
import { readLines } from '../../src/events/line-reader.ts';
import type { LogDamage, LogEntry } from '../../src/events/log-entry.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('event log reader under corruption');

const entries = (n: number): LogEntry[] =>
  Array.from({ length: n }, (_, i) => ({ seq: i + 1, time: 1_000 + i, type: 'session.exited', sessionId: `t${i}`, code: i % 256 }) as LogEntry);

function readLog(path: string, chunkBytes: number): { entries: LogEntry[]; damage: LogDamage[] } {
  const damage: LogDamage[] = [];
  const lines = (function* () {
    for (const line of readLines(path, undefined, chunkBytes)) yield { ...line, file: 'events' };
  })();
  const read: LogEntry[] = [];
  for (const item of checkLines(lines)) {
    if (item.entry) read.push(item.entry);
    else damage.push({ file: item.file, line: item.line, problem: item.problem });
  }
  return { entries: read, damage };
}

test('property: random damage keeps every untouched entry and reports the rest', () =>
  withTempDir((dir) => fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.record({ line: fc.nat(), at: fc.nat(), bytes: fc.string({ minLength: 1, maxLength: 8 }) }), { maxLength: 5 }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.integer({ min: 1, max: 64 }),
      (n, damages, truncateAt, chunkBytes) => {
        const lines = entries(n).map((e) => JSON.stringify(e));
        const touched = new Set<number>();
        for (const d of damages) {
          const i = d.line % lines.length;
          const at = d.at % (lines[i].length + 1);
          lines[i] = lines[i].slice(0, at) + d.bytes.replace(/\n/g, ' ') + lines[i].slice(at);
          touched.add(i);
        }
        let text = lines.join('\n') + '\n';
        if (truncateAt !== undefined) {
          const cut = truncateAt % text.length;
          text = text.slice(0, cut);
          // the line the cut falls in is torn, and every line after it is gone
          const tornLine = text.split('\n').length - 1;
          for (let i = tornLine; i < lines.length; i++) touched.add(i);
        }
        writeFileSync(join(dir, 'events'), text);
        const result = readLog(join(dir, 'events'), chunkBytes);
        const untouched = lines.map((_, i) => i).filter((i) => !touched.has(i));
        // every untouched line is read back as it was written
        for (const i of untouched) assert.ok(result.entries.some((e) => e.seq === i + 1 && 'sessionId' in e && e.sessionId === `t${i}`), `line ${i + 1} lost`);
        // order is kept
        const seqs = result.entries.map((e) => e.seq);
        assert.equal(seqs, [...seqs].sort((a, b) => a - b));
        // nothing is both kept and reported
        const kept = result.entries.length;
        const nonEmpty = text.split('\n').filter((line) => line.trim() !== '').length;
        assert.is(kept + result.damage.length, nonEmpty);
      },
    ),
    { numRuns: Number(process.env.FC_RUNS ?? 300), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
  )));

test('a log longer than the reading window keeps every entry around a damaged sequence number', () =>
  withTempDir((dir) => {
    const lines = entries(5_000).map((e) => JSON.stringify(e));
    lines[2_500] = lines[2_500].replace('"seq":2501', '"seq":9999'); // damaged into a larger valid number
    writeFileSync(join(dir, 'events'), lines.join('\n') + '\n');
    const { entries: read, damage } = readLog(join(dir, 'events'), 4096);
    assert.is(read.length, 4_999);
    assert.equal(damage, [{ file: 'events', line: 2_501, problem: 'sequence 9999 is out of order' }]);
  }));

test.run();
