// The SPDY resize stream decoder: a sequence of JSON size objects, with or without separators,
// cut into DATA frames anywhere (even inside a UTF-8 character), gives the same sizes as whole.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MAX_RESIZE_OBJECT_CHARS, ResizeStreamDecoder } from '../../src/sandbox/transports/spdy-resize-stream.ts';

const encode = (s: string) => new TextEncoder().encode(s);

test('property: sizes cut at any byte come out whole and in order', () => {
  const size = fc.record({ cols: fc.integer({ min: 1, max: 1000 }), rows: fc.integer({ min: 1, max: 1000 }) });
  const separator = fc.constantFrom('', '\n', ' ', '\r\n', '\n\n');
  fc.assert(
    fc.property(fc.array(fc.tuple(size, separator), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (items, cuts) => {
      // a string field with braces, quotes and non-ASCII: the decoder must not count those
      const bytes = encode(items.map(([s, sep]) => JSON.stringify({ note: 'é}{"\\', Width: s.cols, Height: s.rows }) + sep).join(''));
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const decoder = new ResizeStreamDecoder();
      const out = [];
      let at = 0;
      for (const point of [...points, bytes.length]) {
        out.push(...decoder.push(bytes.subarray(at, point)));
        at = point;
      }
      assert.equal(out, items.map(([s]) => ({ cols: s.cols, rows: s.rows })));
    }),
    { numRuns: 300 },
  );
});

test('junk between objects and malformed objects are skipped; an endless object is dropped', () => {
  const decoder = new ResizeStreamDecoder();
  assert.equal(decoder.push(encode('garbage {"Width":"x","Height":2} {"width":10,"height":5}')), [{ cols: 10, rows: 5 }]);
  assert.equal(decoder.push(encode(`{"Width":${'1'.repeat(MAX_RESIZE_OBJECT_CHARS)}`)), []);
  assert.equal(decoder.push(encode('{"Width":7,"Height":8}')), [{ cols: 7, rows: 8 }]);
});

test.run();
