// The page's socket client against a scripted fake WebSocket: acknowledgements follow the
// screen's write callbacks, a reconnect reattaches from the offset reached and renews pod
// watches, a silent server is given up on, and a server that no longer knows us stops retries.
// A fresh attach may ask for the screen: its frames are drawn and acked, never counted as offset;
// a drop before the whole screen came asks for it again. Such a terminal asks to be caught up with
// the screen when it lags, and a catch-up screen on a live attachment goes on from its offset.
// Input the server says to hold (inputHeld) waits in the client, that session's alone.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { decodeFrame, encodeFrame, FrameKind, type Frame } from '../../src/protocol/frames.ts';
import { SocketClient, type SessionSink } from '../../src/protocol/socket-client.ts';
import { IDLE_ACK_MS } from '../../src/protocol/ack-pacing.ts';
import { waitFor } from '../support/wait.ts';
import { hello } from '../support/hello.ts';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  /** what the browser would still hold unsent */
  bufferedAmount = 0;
  sent: (string | Uint8Array)[] = [];
  closedWith: number | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event?: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close(code?: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  // the server's side
  open() {
    this.readyState = 1;
    this.onopen?.();
    this.json(hello());
  }
  json(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  bytes(sessionId: string, text: string, kind = FrameKind.Stdout) {
    const frame = encodeFrame(kind, sessionId, new TextEncoder().encode(text));
    this.onmessage?.({ data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) });
  }
  /** closed by the server (with a close frame's `code` and `reason`), or lost */
  drop(code?: number, reason = '') {
    this.readyState = 3;
    this.onclose?.(code === undefined ? undefined : { code, reason });
  }
  messages(type?: string) {
    return this.sent.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m)).filter((m) => !type || m.type === type);
  }
}

function client(options: Partial<ConstructorParameters<typeof SocketClient>[0]> = {}) {
  FakeSocket.all = [];
  return new SocketClient({ url: 'ws://x/api/v1/stream', WebSocket: FakeSocket as never, minDelayMs: 1, maxDelayMs: 4, heartbeatMs: 60_000, ...options });
}

/** A screen that finishes writes only when told, like xterm.js under load. */
function slowScreen() {
  const pending: (() => void)[] = [];
  const text: string[] = [];
  const sink: SessionSink = {
    output: (bytes, _channel, written) => {
      text.push(new TextDecoder().decode(bytes));
      pending.push(written);
    },
  };
  return { sink, text, finish: () => pending.splice(0).forEach((done) => done()) };
}

/** A client on an open socket with session t1 attached (to a slow screen), and its socket. */
function attachedClient() {
  const c = client();
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  c.attach('t1', slowScreen().sink);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  return { c, ws };
}

test('acks count bytes only once the screen has written them, coalesced', async () => {
  const c = client({ ackEveryBytes: 1_000_000 });
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  const screen = slowScreen();
  c.attach('t1', screen.sink);
  assert.equal(ws.messages('attach'), [{ type: 'attach', sessionId: 't1', from: 0, ack: true }]);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  ws.bytes('t1', 'hello ');
  ws.bytes('t1', 'world');
  assert.equal(ws.messages('ack'), [], 'nothing is acknowledged before it is on screen');
  screen.finish();
  assert.equal(ws.messages('ack'), [], 'not at once: more may come (an echo, the next keystroke\'s)');
  ws.bytes('t1', '!');
  screen.finish();
  await waitFor(() => ws.messages('ack').length > 0, 'the idle ack');
  assert.equal(ws.messages('ack'), [{ type: 'ack', sessionId: 't1', bytes: 12 }], 'one ack for all that was drawn, once the page had drawn everything');
  assert.is(screen.text.join(''), 'hello world!');
  c.close();
});

test('a page acks at least as often as the server\'s low watermark, at once', () => {
  const c = client();
  c.connect();
  const ws = FakeSocket.all[0];
  ws.readyState = 1;
  ws.onopen?.();
  ws.json(hello({ limits: { ...hello().limits, lowWatermark: 4 } }));
  const screen = slowScreen();
  c.attach('t1', screen.sink);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  ws.bytes('t1', 'abc');
  ws.bytes('t1', 'defg');
  screen.finish();
  assert.equal(ws.messages('ack'), [{ type: 'ack', sessionId: 't1', bytes: 7 }], 'past the watermark: acked without waiting (a paused producer resumes on it)');
  c.close();
});

test('an ack that was due is forgotten with its socket: a reattach counts from the offset', async () => {
  const c = client();
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  const screen = slowScreen();
  c.attach('t1', screen.sink);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  ws.bytes('t1', 'x');
  screen.finish();
  ws.drop();
  await waitFor(() => FakeSocket.all.length === 2, 'a new socket');
  FakeSocket.all[1].open();
  assert.equal(FakeSocket.all[1].messages('attach'), [{ type: 'attach', sessionId: 't1', from: 1, ack: true }]);
  await new Promise((resolve) => setTimeout(resolve, 2 * IDLE_ACK_MS));
  assert.equal(FakeSocket.all[1].messages('ack'), [], 'the old socket\'s bytes are not acked on the new one (its server counts from the reattach)');
  c.close();
});

test('a dropped socket reconnects, reattaches from the offset reached and renews pod watches', async () => {
  const c = client();
  const states: string[] = [];
  c.onState((s) => states.push(s));
  c.connect();
  FakeSocket.all[0].open();
  c.watchPods('default');
  const screen = slowScreen();
  c.attach('t1', screen.sink);
  const first = FakeSocket.all[0];
  first.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  first.bytes('t1', 'abc');
  first.bytes('t1', 'defg');
  screen.finish();
  first.drop();
  assert.is(c.state, 'reconnecting');
  await waitFor(() => FakeSocket.all.length === 2, 'a new socket');
  const second = FakeSocket.all[1];
  second.open();
  assert.equal(second.messages('attach'), [{ type: 'attach', sessionId: 't1', from: 7, ack: true }]);
  assert.equal(second.messages('watchPods'), [{ type: 'watchPods', namespace: 'default' }]);
  assert.equal(states, ['open', 'reconnecting', 'open']);
  // input waits for the server to confirm the attach on the new socket
  c.input('t1', 'ls\r');
  assert.is(second.sent.filter((m) => typeof m !== 'string').length, 0);
  second.json({ type: 'attached', sessionId: 't1', from: 7, to: 7, dropped: 0, restored: false, running: true, session: {} });
  c.input('t1', 'ls\r');
  assert.is(second.sent.filter((m) => typeof m !== 'string').length, 1);
  c.close();
});

test('resizes are sent only when the size changes, and again after a reattach', () => {
  const { c, ws } = attachedClient();
  c.resize('t1', 100, 30);
  c.resize('t1', 100, 30);
  c.resize('t1', 90, 30);
  assert.equal(ws.messages('resize').map((m) => `${m.cols}x${m.rows}`), ['100x30', '90x30']);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  assert.equal(ws.messages('resize').map((m) => `${m.cols}x${m.rows}`), ['100x30', '90x30', '90x30']);
  c.close();
});

test('keys typed into a new terminal before its attach is answered go once it is, in order; typed while reconnecting they are dropped', () => {
  const c = client();
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  c.attach('t1', slowScreen().sink);
  const inputs = () => ws.sent.filter((m): m is Uint8Array => typeof m !== 'string').map((m) => new TextDecoder().decode((decodeFrame(m) as Frame).payload));
  assert.ok(c.input('t1', 'ec'), 'taken, to wait for the answer');
  assert.ok(c.input('t1', 'ho hi\r'));
  assert.equal(inputs(), [], 'nothing before the attach is answered: the server would refuse it');
  c.resize('t1', 100, 30);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  assert.equal(inputs(), ['ec', 'ho hi\r'], 'every key, in order, once it is');
  assert.is(ws.sent.findIndex((m) => typeof m === 'string' && m.includes('"resize"')) < ws.sent.findIndex((m) => typeof m !== 'string'), true, 'after the size');
  ws.drop();
  assert.not.ok(c.input('t1', 'lost'), 'reconnecting: dropped, as the page says');
  c.close();
});

test('keys typed for a terminal whose attach was refused are never sent, not even by a later attach', () => {
  const c = client();
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  const errors: string[] = [];
  c.attach('t1', { ...slowScreen().sink, error: (message) => errors.push(message) });
  assert.ok(c.input('t1', 'rm -rf build\r'), 'taken, to wait for the answer');
  ws.json({ type: 'error', sessionId: 't1', code: 'tooManyAttached', message: 'too many terminals on this page' });
  assert.equal(errors, ['too many terminals on this page'], 'the page is told');
  assert.not.ok(c.input('t1', 'more'), 'refused: keys go nowhere, and the page knows');
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  assert.equal(ws.sent.filter((m) => typeof m !== 'string'), [], 'what was typed before the refusal did not go to the shell later');
  assert.ok(c.input('t1', 'now'), 'attached: keys go again');
  c.close();
});

test('a refused attach stays refused through a reconnect: keys typed meanwhile are not sent by the next attach', async () => {
  const c = client();
  c.connect();
  FakeSocket.all[0].open();
  c.attach('t1', slowScreen().sink);
  FakeSocket.all[0].json({ type: 'error', sessionId: 't1', code: 'tooManyAttached', message: 'too many' });
  FakeSocket.all[0].drop();
  assert.not.ok(c.input('t1', 'rm -rf build\r'), 'reconnecting after a refusal: refused');
  await waitFor(() => FakeSocket.all.length === 2, 'the reconnect');
  const ws = FakeSocket.all[1];
  ws.open();
  assert.not.ok(c.input('t1', 'more'), 'still refused before an answer');
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  assert.equal(ws.sent.filter((m) => typeof m !== 'string'), [], 'nothing typed since the refusal went');
  c.close();
});

test('eof is sent for an attached session only; what is not the protocol is told to protocolError and shown nowhere', () => {
  const problems: string[] = [];
  const c = client({ protocolError: (sentence) => problems.push(sentence) });
  const shown: string[] = [];
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  c.attach('t1', { output: (bytes, _channel, written) => (shown.push(new TextDecoder().decode(bytes)), written()) });
  c.eof('t1'); // not attached yet: nothing to close
  assert.equal(ws.messages('eof'), []);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  c.eof('t1');
  assert.equal(ws.messages('eof'), [{ type: 'eof', sessionId: 't1' }]);
  ws.onmessage?.({ data: 'not json' });
  ws.onmessage?.({ data: 'null' });
  ws.onmessage?.({ data: new Uint8Array([0x7f, 2, 0x74, 0x31, 0x41]).buffer });
  assert.equal(problems, ['a text frame that is not JSON', 'a message without a type', 'Unknown binary frame kind 127.']);
  assert.equal(shown, []);
});

test('a big paste goes in input frames far below the server limit, in order, nothing lost', () => {
  const { c, ws } = attachedClient();
  const paste = new Uint8Array(300 * 1024).map((_, i) => i % 251);
  c.input('t1', paste);
  const frames = ws.sent.filter((m): m is Uint8Array => typeof m !== 'string');
  assert.ok(frames.length >= 10);
  assert.ok(frames.every((f) => f.length <= 32 * 1024 + 8), 'each frame well under 256 KiB');
  const joined = new Uint8Array(frames.reduce((n, f) => n + f.length - 4, 0));
  let at = 0;
  for (const f of frames) {
    joined.set(f.subarray(4), at); // kind, id length, "t1"
    at += f.length - 4;
  }
  assert.equal([...joined], [...paste]);
  c.close();
});

test('a big paste is paced: within the server\'s input rate, only while the socket\'s buffer has room, the sink told what waits; cancel drops the rest', async () => {
  let now = 0;
  const c = client({ now: () => now });
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  // a server taking 100 kB/s: the page keeps to 90 kB/s with bursts of 200 kB
  ws.json(hello({ limits: { ...hello().limits, inputBytesPerSecond: 100_000 } }));
  const pending: number[] = [];
  const lost: boolean[] = [];
  c.attach('t1', {
    ...slowScreen().sink,
    inputPending: (bytes, linkWent) => {
      pending.push(bytes);
      lost.push(linkWent);
    },
  });
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  const inputFrames = () => ws.sent.filter((m): m is Uint8Array => typeof m !== 'string');
  const sentBytes = () => inputFrames().reduce((n, f) => n + f.length - 4, 0);

  // the browser's buffer is full: nothing goes yet, all of it waits
  ws.bufferedAmount = 1024 * 1024;
  const paste = new Uint8Array(500_000).map((_, i) => i % 253);
  assert.ok(c.input('t1', paste));
  assert.is(sentBytes(), 0);
  assert.is(pending.at(-1), 500_000);
  // room again: the burst goes, not more
  ws.bufferedAmount = 0;
  await waitFor(() => sentBytes() > 0, 'the first frames');
  assert.is(sentBytes(), 6 * 32 * 1024, 'six 32 KiB frames fit in the 200 kB burst');
  assert.is(pending.at(-1), 500_000 - 6 * 32 * 1024);
  // a second later, 90 kB more of budget: two more frames
  now += 1000;
  await waitFor(() => sentBytes() > 6 * 32 * 1024, 'frames after a second');
  assert.is(sentBytes(), 8 * 32 * 1024);
  // cancel: the rest is dropped, what was sent is the paste's beginning, in order
  c.cancelInput('t1');
  assert.is(pending.at(-1), 0);
  const joined = new Uint8Array(sentBytes());
  let at = 0;
  for (const f of inputFrames()) {
    joined.set(f.subarray(4), at);
    at += f.length - 4;
  }
  assert.equal([...joined], [...paste.subarray(0, joined.length)]);
  // a keystroke now goes at once: nothing waits before it
  now += 1000;
  assert.ok(c.input('t1', 'x'));
  assert.equal([...inputFrames().at(-1)!.subarray(4)], [0x78]);
  assert.not.ok(lost.some(Boolean), 'what Stop pasting dropped was not lost');
  // the link goes with input waiting: dropped, and the sink is told why (a paste says it was cut short)
  ws.bufferedAmount = 1024 * 1024;
  assert.ok(c.input('t1', 'waits'));
  ws.drop();
  assert.equal([pending.at(-1), lost.at(-1)], [0, true]);
  // reconnecting: input is refused (dropped), and says so
  assert.is(c.input('t1', 'y'), false);
  c.close();
});

test('eof waits behind the input queued before it: the end of a pipe never overtakes its last bytes', async () => {
  const { c, ws } = attachedClient();
  ws.bufferedAmount = 1024 * 1024; // a slow link: the input waits in the client
  c.input('t1', new Uint8Array(100_000).fill(0x61));
  c.eof('t1');
  assert.equal(ws.messages('eof'), [], 'not before the input');
  ws.bufferedAmount = 0;
  await waitFor(() => ws.messages('eof').length === 1, 'the eof');
  const last = ws.sent.findIndex((m) => typeof m === 'string' && JSON.parse(m).type === 'eof');
  const inputBytes = ws.sent.slice(0, last).filter((m): m is Uint8Array => typeof m !== 'string').reduce((n, f) => n + f.length - 4, 0);
  assert.is(inputBytes, 100_000, 'every input byte went before the eof');
  assert.ok(ws.sent.slice(last + 1).every((m) => typeof m === 'string'), 'no input after it');
  c.close();
});

test("input for a session the server says to hold (its program takes none) waits, in order, with its eof; others' input goes meanwhile; a reattach's answer says again", async () => {
  const { c, ws } = attachedClient();
  c.attach('t2', slowScreen().sink);
  ws.json({ type: 'attached', sessionId: 't2', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  const inputFor = (sessionId: string) =>
    ws.sent.filter((m): m is Uint8Array => typeof m !== 'string').map((f) => decodeFrame(f) as Frame).filter((f) => f.sessionId === sessionId).map((f) => new TextDecoder().decode(f.payload)).join('');
  ws.json({ type: 'inputHeld', sessionId: 't1', held: true });
  c.input('t1', 'held-1 ');
  c.input('t2', 'other ');
  c.input('t1', 'held-2');
  c.eof('t1');
  assert.is(inputFor('t1'), '', 'nothing for the held session');
  assert.is(inputFor('t2'), 'other ', "the other session's input went");
  assert.equal(ws.messages('eof'), [], 'its eof waits behind its input');
  ws.json({ type: 'inputHeld', sessionId: 't1', held: false });
  assert.is(inputFor('t1'), 'held-1 held-2', 'all of it, in order, once released');
  assert.equal(ws.messages('eof'), [{ type: 'eof', sessionId: 't1' }]);
  // a reconnect: the attach's answer says it is held again
  ws.drop();
  await waitFor(() => FakeSocket.all.length === 2, 'the reconnect');
  const again = FakeSocket.all[1];
  again.open();
  again.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {}, inputHeld: true });
  c.input('t1', 'after');
  assert.equal(again.sent.filter((m) => typeof m !== 'string'), [], 'held from the attach on');
  c.close();
});

test("a new attached on the same socket that no longer says inputHeld (a relay attached again after its link dropped, the release lost with it) sends what waited at once", () => {
  const { c, ws } = attachedClient();
  ws.json({ type: 'inputHeld', sessionId: 't1', held: true });
  c.input('t1', 'waited');
  assert.is(ws.sent.filter((m) => typeof m !== 'string').length, 0);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  const frames = ws.sent.filter((m): m is Uint8Array => typeof m !== 'string').map((f) => decodeFrame(f) as Frame);
  assert.equal(frames.map((f) => new TextDecoder().decode(f.payload)), ['waited']);
  c.close();
});

test('a server that stays silent after a ping is given up on and the client reconnects', async () => {
  const c = client({ heartbeatMs: 20 });
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  await waitFor(() => ws.messages('ping').length === 1, 'a ping');
  await waitFor(() => ws.closedWith === 4000, 'the silent socket closed');
  await waitFor(() => FakeSocket.all.length === 2, 'a new socket');
  c.close();
});

test('when the server no longer knows the page, retries stop and the state says signed out', async () => {
  let asked = 0;
  const c = client({
    mayRetry: async () => {
      asked++;
      return false;
    },
  });
  c.connect();
  FakeSocket.all[0].drop(); // never opened: first failure retries at once
  await waitFor(() => FakeSocket.all.length === 2, 'one retry');
  FakeSocket.all[1].drop();
  await waitFor(() => c.state === 'signedOut', 'signed out');
  assert.is(asked, 1);
  assert.is(FakeSocket.all.length, 2);
  c.close();
});

test('signed out: the state listener hears the reason the server closed the open socket with (1008), not a refused reconnect\'s', async () => {
  const heard: [string, string | undefined][] = [];
  const c = client({ mayRetry: async () => false });
  c.onState((state, closedBecause) => heard.push([state, closedBecause]));
  c.connect();
  FakeSocket.all[0].open();
  FakeSocket.all[0].drop(1008, 'signed out by an admin');
  await waitFor(() => FakeSocket.all.length === 2, 'one retry');
  FakeSocket.all[1].drop(1006);
  await waitFor(() => c.state === 'signedOut', 'signed out');
  assert.equal(heard.at(-1), ['signedOut', 'signed out by an admin']);
  c.close();
});

test('a socket lost without a reason (or closed for another code) gives none, even after an earlier one\'s', async () => {
  const heard: [string, string | undefined][] = [];
  const c = client({ mayRetry: async () => false });
  c.onState((state, closedBecause) => heard.push([state, closedBecause]));
  c.connect();
  FakeSocket.all[0].open();
  FakeSocket.all[0].drop(1008, 'who you are is asked again: connect again');
  await waitFor(() => FakeSocket.all.length === 2, 'one retry');
  FakeSocket.all[1].open();
  FakeSocket.all[1].drop(1001, 'going away');
  await waitFor(() => FakeSocket.all.length === 3, 'another retry');
  FakeSocket.all[2].drop();
  await waitFor(() => c.state === 'signedOut', 'signed out');
  assert.equal(heard.at(-1), ['signedOut', undefined]);
  c.close();
});

test('a fresh attach asks for the screen; its frames are drawn and acked but not counted; a reattach goes on from the offset', async () => {
  const c = client({ ackEveryBytes: 1 });
  c.connect();
  const first = FakeSocket.all[0];
  const text: string[] = [];
  const infos: unknown[] = [];
  c.attach('t1', { output: (bytes, _channel, written) => (text.push(new TextDecoder().decode(bytes)), written()), attached: (info) => infos.push(info) }, { screen: true });
  first.open(); // not open when attach was called: the hello's attach asks for the screen
  assert.equal(first.messages('attach'), [{ type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true, catchUp: 'screen' }]);
  first.json({ type: 'attached', sessionId: 't1', from: 500, to: 500, dropped: 0, restored: false, running: true, session: {}, screen: 6 });
  assert.equal(infos, [{ dropped: 0, restored: false, reattach: false, replayBytes: 6, screen: true }]);
  first.bytes('t1', 'SCREEN', FrameKind.Screen);
  first.bytes('t1', 'live');
  assert.equal(text, ['SCREEN', 'live']);
  assert.equal(first.messages('ack').map((m) => m.bytes), [6, 4], 'the screen is acked: the server counted it');
  first.drop();
  await waitFor(() => FakeSocket.all.length === 2, 'a new socket');
  FakeSocket.all[1].open();
  assert.equal(FakeSocket.all[1].messages('attach'), [{ type: 'attach', sessionId: 't1', from: 504, ack: true, catchUp: 'screen' }]);
  c.close();
});

test('a drop between two screen frames asks for the screen again: raw output from the offset would land on half a screen', async () => {
  const c = client({ ackEveryBytes: 1 });
  c.connect();
  const first = FakeSocket.all[0];
  first.open();
  const infos: unknown[] = [];
  c.attach('t1', { output: (_bytes, _channel, written) => written(), attached: (info) => infos.push(info) }, { screen: true });
  first.json({ type: 'attached', sessionId: 't1', from: 500, to: 500, dropped: 0, restored: false, running: true, session: {}, screen: 10, screenSize: { cols: 90, rows: 20 } });
  first.bytes('t1', 'SCREE', FrameKind.Screen);
  first.drop();
  await waitFor(() => FakeSocket.all.length === 2, 'a new socket');
  const second = FakeSocket.all[1];
  second.open();
  assert.equal(second.messages('attach'), [{ type: 'attach', sessionId: 't1', from: 500, ack: true, screen: true, catchUp: 'screen' }]);
  second.json({ type: 'attached', sessionId: 't1', from: 520, to: 520, dropped: 0, restored: false, running: true, session: {}, screen: 5, screenSize: { cols: 90, rows: 20 } });
  assert.equal(infos.at(-1), { dropped: 0, restored: false, reattach: true, replayBytes: 5, screen: true, screenSize: { cols: 90, rows: 20 } }, 'a reattach with a screen: the page starts over');
  second.bytes('t1', 'WHOLE', FrameKind.Screen);
  second.bytes('t1', 'live');
  second.drop();
  await waitFor(() => FakeSocket.all.length === 3, 'a third socket');
  FakeSocket.all[2].open();
  assert.equal(FakeSocket.all[2].messages('attach'), [{ type: 'attach', sessionId: 't1', from: 524, ack: true, catchUp: 'screen' }], 'the whole screen came: on from the offset');
  c.close();
});

test('a terminal that lags is caught up with a screen on the same socket: drawn as a reattach, on from its offset, its size not sent again, earlier writes still acked', async () => {
  const c = client({ ackEveryBytes: 1_000_000 });
  c.connect();
  const ws = FakeSocket.all[0];
  ws.open();
  const screen = slowScreen();
  const infos: unknown[] = [];
  c.attach('t1', { ...screen.sink, attached: (info) => infos.push(info) }, { screen: true });
  c.resize('t1', 90, 20);
  ws.json({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session: {} });
  ws.bytes('t1', 'yyyy');
  assert.equal(ws.messages('resize').length, 1);
  // the server skipped 1000 bytes: the screen as of 1004, then live output
  ws.json({ type: 'attached', sessionId: 't1', from: 1004, to: 1004, dropped: 0, restored: false, running: true, session: {}, screen: 6, screenSize: { cols: 90, rows: 20 }, skipped: 1000 });
  assert.equal(infos.at(-1), { dropped: 0, restored: false, reattach: true, replayBytes: 6, screen: true, screenSize: { cols: 90, rows: 20 }, caughtUp: true }, 'the page starts over');
  assert.equal(ws.messages('resize').length, 1, 'the server has its size already');
  ws.bytes('t1', 'SCREEN', FrameKind.Screen);
  ws.bytes('t1', '$ ');
  screen.finish();
  await waitFor(() => ws.messages('ack').length > 0, 'the ack');
  assert.equal(ws.messages('ack'), [{ type: 'ack', sessionId: 't1', bytes: 12 }], 'the bytes drawn before the catch-up count too: the server counted them');
  ws.drop();
  await waitFor(() => FakeSocket.all.length === 2, 'a new socket');
  FakeSocket.all[1].open();
  assert.equal(FakeSocket.all[1].messages('attach'), [{ type: 'attach', sessionId: 't1', from: 1006, ack: true, catchUp: 'screen' }]);
  c.close();
});

test.run();
