// What a SPDY peer can make a session hold in memory without sending any DATA: the answers to its
// PINGs (and every other control frame it provokes) while it reads nothing back, and the frames
// that queue up behind a header block while zlib inflates it. Both must stop the session reading
// (TCP then holds the peer back), like the overrun brake does for DATA; not grow without bound.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { encodeFrame } from '../../src/spdy/frames.ts';
import { encodeHeaderBlock } from '../../src/spdy/header-block.ts';
import { SpdySession } from '../../src/spdy/session.ts';
import { SPDY3_DICTIONARY } from '../../src/spdy/dictionary.ts';
import { waitFor } from '../support/wait.ts';
import { Wire } from './wire.ts';

const test = suite('SPDY session backlogs', { deadlineMs: 60_000 });
const CHUNK = 64 * 1024;
const TOTAL = 32 * 2 ** 20;
/** what either backlog may reach: well above what a legitimate peer causes, far below TOTAL */
const BOUND = 4 * 2 ** 20;

/** `frame` repeated into chunks of about CHUNK bytes, TOTAL bytes in all, then the end. */
function repeated(frame: Uint8Array, first?: Uint8Array): () => Uint8Array | null {
  const perChunk = Math.floor(CHUNK / frame.length);
  const chunk = new Uint8Array(perChunk * frame.length);
  for (let i = 0; i < perChunk; i++) chunk.set(frame, i * frame.length);
  let sent = 0;
  return () => {
    if (first && sent === 0) return (sent += first.length), first;
    if (sent >= TOTAL) return null;
    sent += chunk.length;
    return chunk;
  };
}

test('a peer that pings and reads nothing back: the session stops reading; its answers wait within a bound', async () => {
  const wire: Wire = new Wire(repeated(encodeFrame({ type: 'ping', id: 2 })), false);
  const session = new SpdySession(wire, { role: 'client' });
  let most = 0;
  await waitFor(() => {
    most = Math.max(most, wire.writableLength);
    return wire.produced >= TOTAL || wire.isPaused();
  }, 'the session to stop reading, or to have read the whole flood');
  assert.ok(most <= BOUND, `${most} bytes of PING answers queued for a peer that reads nothing`);
  assert.ok(wire.produced < TOTAL, 'the session read the whole flood');
  // the peer reads again: the session goes on
  wire.startReading();
  await waitFor(() => !wire.isPaused(), 'the session to read again');
  session.destroy();
});

/** A HEADERS frame for stream 1 whose block is a stored (uncompressed) deflate block: valid after any other. */
function storedHeaders(zlibHeader: boolean): Uint8Array {
  const block = encodeHeaderBlock({ x: 'y' });
  const stored = new Uint8Array(5 + block.length);
  stored[0] = 0x00; // not final, stored
  new DataView(stored.buffer).setUint16(1, block.length, true);
  new DataView(stored.buffer).setUint16(3, ~block.length & 0xffff, true);
  stored.set(block, 5);
  const header = new Uint8Array(zlibHeader ? 6 : 0);
  if (zlibHeader) {
    header.set([0x78, 0xbb]);
    let a = 1;
    let b = 0;
    for (const byte of SPDY3_DICTIONARY) (a = (a + byte) % 65521), (b = (b + a) % 65521);
    new DataView(header.buffer).setUint32(2, ((b << 16) | a) >>> 0);
  }
  return encodeFrame({ type: 'headers', streamId: 1, fin: false, headerBlock: new Uint8Array([...header, ...stored]) });
}

test('header blocks faster than zlib inflates them: the session stops reading; the frames waiting stay within a bound', async () => {
  const frame = storedHeaders(false);
  const wire = new Wire(repeated(frame, storedHeaders(true)));
  const session = new SpdySession(wire, { role: 'client' });
  const stream = session.openStream({ streamtype: 'stdout' });
  let handled = 0;
  let most = 0;
  stream.on('headers', () => {
    handled++;
    most = Math.max(most, wire.produced - handled * frame.length);
  });
  await waitFor(() => handled >= 20_000 || wire.produced >= TOTAL, 'the session to handle 20,000 HEADERS frames, or read the whole flood');
  most = Math.max(most, wire.produced - handled * frame.length);
  assert.ok(most <= BOUND, `${most} bytes read and not yet handled`);
  session.destroy();
});

test.run();
