// Property: whatever happens to the bytes of an event log, reading it never throws, keeps every
// line that was not touched, in order, and reports the damaged ones.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseJsonl } from '../../src/events/jsonl-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';

const test = suite('event log reader under corruption');

const entries = (n: number): LogEntry[] =>
  Array.from({ length: n }, (_, i) => ({ seq: i + 1, time: 1_000 + i, type: 'session.exited', sessionId: `t${i}`, code: i % 256 }) as LogEntry);

test('property: random damage keeps every untouched entry and reports the rest', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.record({ line: fc.nat(), at: fc.nat(), bytes: fc.string({ minLength: 1, maxLength: 8 }) }), { maxLength: 5 }),
      fc.option(fc.nat(), { nil: undefined }),
      (n, damages, truncateAt) => {
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
        const result = parseJsonl(text);
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
  );
});

test.run();
