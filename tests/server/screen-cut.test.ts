// A screen ends where the terminal's parser rests (src/server/unfinished-tail.ts): a read of the
// program's output can end inside an escape sequence or a UTF-8 character, and a screen built up
// to there carries no half-read sequence, so the page (which draws it after a reset) would show
// the rest of a colour as text ("1mRED") and lose a split character. The screen stops short of
// such a tail, and the tail goes after it as output: a reload's screen and a catch-up's alike draw
// what every byte drew.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import headless from '@xterm/headless';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import type { ServerMessage } from '../../src/protocol/index.ts';
import { FrameKind } from '../../src/protocol/frames.ts';
import { unfinishedTail } from '../../src/server/unfinished-tail.ts';
import { waitFor } from '../support/wait.ts';
import { screenCells } from '../support/terminal-cells.ts';
import { recordingSocket, standIn, writtenOut } from './data-plane-stand-in.ts';

/** a string of byte values as bytes: '\xc3' is the byte 0xc3, half of 'é' */
const raw = (bytes: string) => Uint8Array.from(bytes, (c) => c.charCodeAt(0));
type Attached = Extract<ServerMessage, { type: 'attached' }>;

test('the tail that begins an unfinished escape sequence or UTF-8 character, read as the parser reads it', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['plain text\r\n', 0],
    ['tail \x1b', 1],
    ['tail \x1b[3', 3],
    ['\x1b[?25', 5],
    ['\x1b[31;1m', 0],
    ['\x1b[3\n', 4], // a C0 control runs inside a CSI and leaves it open
    ['\x1b[3\x7f', 4], // DEL is ignored inside one
    ['\x1b[3\x18', 0], // CAN abandons it
    ['\x1b]0;title', 9],
    ['\x1b]0;title\x07after', 0],
    ['\x1bPq#0;2;0', 9], // a DCS (sixel) until its ST
    ['\x1bPq#0\x1b\\', 0],
    ['\x1b(', 2],
    ['\x1b(B', 0],
    ['\x1b7', 0],
    ['caf\xc3', 1],
    ['caf\xc3\xa9', 0],
    ['\xe2\x82', 2],
    ['\xf0\x9f\x98', 3],
    ['\xf0\x9f\x98\x80', 0],
    ['\x1b[31m\xc3', 1],
  ];
  for (const [bytes, tail] of cases) assert.is(unfinishedTail(raw(bytes)), tail, JSON.stringify(bytes));
});

/** What a page draws: the frames after the last attach with a screen, on a terminal reset as the page resets one, against every byte drawn. */
async function pageAndTruth(got: ReturnType<typeof recordingSocket>['got'], payloads: Uint8Array[], every: Uint8Array[]) {
  const draw = async (parts: Uint8Array[]) => {
    const term = new headless.Terminal({ cols: 40, rows: 10, scrollback: 0, allowProposedApi: true });
    for (const part of [raw('\x1bc'), ...parts]) await new Promise<void>((resolve) => term.write(part, resolve));
    const cells = screenCells(term);
    term.dispose();
    return cells;
  };
  const frames = got.flatMap((m, i) => ('kind' in m ? [{ at: i, bytes: payloads.shift()! }] : []));
  const from = got.findLastIndex((m) => 'type' in m && m.type === 'attached' && m.screen);
  return { page: await draw(frames.filter((f) => f.at > from).map((f) => f.bytes)), truth: await draw(every) };
}

test("a reload's screen asked for when a read ended inside a colour and inside a character: the page draws what every byte drew", async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions());
  const every: Uint8Array[] = [];
  const emit = (bytes: Uint8Array) => (every.push(bytes), output(bytes));
  emit(raw('$ ls --color\r\ncaf\xc3'));
  emit(raw('\xa9 \x1b[3'));
  const { socket, got, payloads } = recordingSocket();
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true });
  emit(raw('1mRED\x1b[0m after\r\n$ '));
  await waitFor(() => got.length >= 4, 'the screen, its tail and the held output', 5_000);
  const attached = got[0] as Attached;
  const end = every.slice(0, 2).reduce((n, b) => n + b.length, 0);
  assert.equal([attached.from, attached.to], [end - 3, end - 3], 'the screen is as of before the open colour');
  assert.equal(got.slice(1).map((m) => ('kind' in m ? m.kind : m.type)), [FrameKind.Screen, FrameKind.Stdout, FrameKind.Stdout]);
  assert.equal(payloads[1], raw('\x1b[3'), 'the open colour goes after the screen, as output');
  const { page, truth } = await pageAndTruth(got, payloads, every);
  assert.equal(page, truth);
  plane.close();
});

test('a catch-up screen built while the flood stood inside a character: the page draws what every byte drew', async () => {
  const { system, output } = standIn();
  const plane = new DataPlane(system, hubOptions({ highWatermark: 1024, lowWatermark: 256, scrollbackBytes: 4096 }));
  const every: Uint8Array[] = [];
  const emit = (bytes: Uint8Array) => (every.push(bytes), output(bytes));
  const { socket, got, payloads } = recordingSocket();
  emit(raw('$ '));
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true, catchUp: 'screen' });
  for (let line = 0; line < 300; line++) emit(raw(`line ${line} \x1b[32mok\x1b[0m\r\n`)); // behind, and past what the scrollback holds
  emit(raw('tail \x1b[1;3'));
  emit(raw('1mbold red\x1b[0m caf\xc3'));
  await writtenOut();
  const sent = () => payloads.reduce((n, p) => n + p.length, 0);
  plane.message(socket, { type: 'ack', sessionId: 't1', bytes: sent() }); // drawn: the screen is built now
  await waitFor(() => got.some((m) => 'type' in m && m.type === 'attached' && m.screen), 'the catch-up screen', 5_000);
  const attached = got.findLast((m): m is Attached => 'type' in m && m.type === 'attached')!;
  assert.is(attached.to, every.reduce((n, b) => n + b.length, 0) - 1, 'the screen is as of before the split character');
  emit(raw('\xa9 done\r\n$ '));
  await writtenOut();
  plane.message(socket, { type: 'ack', sessionId: 't1', bytes: sent() });
  await waitFor(() => new TextDecoder().decode(payloads.at(-1)).endsWith('$ '), 'the prompt', 5_000);
  const { page, truth } = await pageAndTruth(got, payloads, every);
  assert.equal(page, truth);
  plane.close();
});

test.run();
