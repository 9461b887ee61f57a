import zlib from 'node:zlib';
import fc from 'fast-check';
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { SPDY3_DICTIONARY } from '../../src/spdy/dictionary.ts';
import { SpdyProtocolError } from '../../src/spdy/errors.ts';
import { decodeHeaderBlock, encodeHeaderBlock } from '../../src/spdy/header-block.ts';
import { HeaderDeflater, HeaderInflater, MAX_HEADER_BLOCK_LENGTH } from '../../src/spdy/header-compression.ts';

const exec = [{ streamtype: 'error' }, { streamtype: 'stdin' }, { streamtype: 'stdout' }, { streamtype: 'stderr' }, { streamtype: 'resize' }];

test('the dictionary is the 1423 bytes of SPDY/3, ending in ",enq=0."', () => {
  assert.is(SPDY3_DICTIONARY.length, 1423);
  assert.is(new TextDecoder().decode(SPDY3_DICTIONARY.subarray(-7)), ',enq=0.');
});

test('a name/value block round-trips, several values kept NUL-joined', () => {
  const headers = { streamtype: 'stdout', 'x-many': 'a\0b', ':path': '/' };
  assert.equal({ ...decodeHeaderBlock(encodeHeaderBlock(headers)) }, headers);
});

test('names are sent lowercase, and case-duplicates are refused before they reach the wire', () => {
  assert.equal({ ...decodeHeaderBlock(encodeHeaderBlock({ StreamType: 'x' })) }, { streamtype: 'x' });
  assert.throws(() => encodeHeaderBlock({ a: '1', A: '2' }), TypeError);
});

test('malformed name/value blocks are rejected with a typed error', () => {
  const block = encodeHeaderBlock({ streamtype: 'error' });
  const cases = {
    truncated: block.subarray(0, block.length - 1),
    trailing: Uint8Array.from([...block, 0]),
    'huge count': Uint8Array.from([0xff, 0xff, 0xff, 0xff]),
    'empty name': Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
    uppercase: encodeRaw([['A', 'b']]),
    duplicate: encodeRaw([['a', '1'], ['a', '2']]),
  };
  for (const [why, bad] of Object.entries(cases)) {
    try {
      decodeHeaderBlock(bad);
      assert.unreachable(why);
    } catch (error) {
      assert.instance(error, SpdyProtocolError, why);
      assert.is((error as SpdyProtocolError).code, 'invalid-header-block', why);
    }
  }
});

function encodeRaw(entries: [string, string][]): Uint8Array {
  const out: number[] = [0, 0, 0, entries.length];
  for (const [name, value] of entries) out.push(0, 0, 0, name.length, ...Buffer.from(name), 0, 0, 0, value.length, ...Buffer.from(value));
  return Uint8Array.from(out);
}

test('property: decoding random bytes either works or raises SpdyProtocolError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      try {
        decodeHeaderBlock(bytes);
      } catch (error) {
        if (!(error instanceof SpdyProtocolError)) throw error;
      }
    }),
    { numRuns: 2000 },
  );
});

test('compression is stateful across blocks: later blocks need the earlier ones', async () => {
  const deflater = new HeaderDeflater();
  const inflater = new HeaderInflater();
  const compressed: Uint8Array[] = [];
  for (const headers of exec) {
    const wire = await deflater.deflate(encodeHeaderBlock(headers));
    compressed.push(wire);
    assert.equal({ ...decodeHeaderBlock(await inflater.inflate(wire)) }, headers);
  }
  // The same headers again cost a few bytes: the window remembers them.
  const again = await deflater.deflate(encodeHeaderBlock(exec[2]!));
  assert.ok(again.length < compressed[2]!.length, `${again.length} < ${compressed[2]!.length}`);
  // A fresh inflater cannot start in the middle of the connection's stream.
  const fresh = new HeaderInflater();
  try {
    await fresh.inflate(compressed[3]!);
    assert.unreachable('inflated a block without its predecessors');
  } catch (error) {
    assert.instance(error, SpdyProtocolError);
  }
  for (const z of [deflater, inflater, fresh]) z.close();
});

test('our first block names the SPDY/3 dictionary, and standard zlib inflates it with that dictionary', async () => {
  const deflater = new HeaderDeflater();
  const wire = await deflater.deflate(encodeHeaderBlock({ streamtype: 'error' }));
  // 0x78 0xbb: deflate, FDICT; then the dictionary's Adler-32
  assert.equal([...wire.subarray(0, 6)], [0x78, 0xbb, 0xe3, 0xc6, 0xa7, 0xc2]);
  const plainZlib = zlib.inflateSync(wire, { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.equal({ ...decodeHeaderBlock(plainZlib) }, { streamtype: 'error' });
  deflater.close();
});

test('a corrupt or bomb-sized compressed block is a typed error, not a crash', async () => {
  const inflater = new HeaderInflater();
  try {
    await inflater.inflate(Uint8Array.from([1, 2, 3, 4, 5]));
    assert.unreachable();
  } catch (error) {
    assert.is((error as SpdyProtocolError).code, 'invalid-header-block');
  }
  inflater.close();
  const bomb = zlib.deflateSync(new Uint8Array(MAX_HEADER_BLOCK_LENGTH + 1), { dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const victim = new HeaderInflater();
  try {
    await victim.inflate(bomb);
    assert.unreachable();
  } catch (error) {
    assert.is((error as SpdyProtocolError).code, 'header-block-too-large');
  }
  victim.close();
});

test.run();
