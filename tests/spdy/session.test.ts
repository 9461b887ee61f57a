import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DEFAULT_INITIAL_WINDOW_SIZE, ReceiveWindow, SendWindow } from '../../src/spdy/flow-control.ts';
import { Buffer } from 'node:buffer';
import { encodeFrame, GoAwayStatus, RstStatus } from '../../src/spdy/frames.ts';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { dataBytes, onceEvent, RawPeer, socketPair } from './helpers.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

async function sessions() {
  const [a, b] = await socketPair();
  return { client: new SpdySession(a, { role: 'client' }), server: new SpdySession(b, { role: 'server' }) };
}

const read = (stream: SpdyStream) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
    stream.on('error', reject);
  });

test('a client stream carries headers, data both ways and a half-close in each direction', async () => {
  const { client, server } = await sessions();
  server.on('stream', (stream) => {
    assert.is(stream.id, 1);
    assert.equal({ ...stream.headers }, { streamtype: 'stdin' });
    stream.reply({ ok: 'yes' });
    void read(stream).then((text) => stream.end(`echo:${text}`));
  });
  const stream = client.openStream({ streamtype: 'stdin' });
  assert.equal({ ...(await stream.response) }, { ok: 'yes' });
  stream.end('hello');
  assert.is(await read(stream), 'echo:hello');
  client.destroy();
  await onceEvent(server, 'close');
});

test('client stream ids are odd and increase; server ids are even', async () => {
  const { client, server } = await sessions();
  const ids: number[] = [];
  server.on('stream', (stream) => ids.push(stream.id) && stream.reply());
  const streams = [client.openStream({ n: '1' }), client.openStream({ n: '2' }), client.openStream({ n: '3' })];
  await Promise.all(streams.map((s) => s.response));
  assert.equal(ids, [1, 3, 5]);
  client.on('stream', (stream) => stream.reply());
  const pushed = server.openStream({ from: 'server' });
  await pushed.response;
  assert.is(pushed.id, 2);
  client.destroy();
});

test('a reset stream errors on the other side with the status', async () => {
  const { client, server } = await sessions();
  server.on('stream', (stream) => {
    stream.reply();
    stream.reset(RstStatus.RefusedStream);
  });
  const stream = client.openStream({});
  const [error] = await onceEvent<[Error & { status?: number }]>(stream, 'error');
  assert.is(error.status, RstStatus.RefusedStream);
  assert.is(stream.resetStatus, RstStatus.RefusedStream);
  client.destroy();
});

test('pings are answered by the peer and resolve with a round trip time', async () => {
  const { client, server } = await sessions();
  assert.type(await client.ping(), 'number');
  assert.type(await server.ping(), 'number');
  client.destroy();
});

test('after GOAWAY the peer refuses new streams; existing ones go on', async () => {
  const { client, server } = await sessions();
  const accepted: SpdyStream[] = [];
  server.on('stream', (stream) => accepted.push(stream) && stream.reply());
  const first = client.openStream({});
  await first.response;
  server.goAway();
  const [lastGood, status] = await onceEvent<[number, number]>(client, 'goaway');
  assert.is(lastGood, 1);
  assert.is(status, GoAwayStatus.Ok);
  assert.throws(() => client.openStream({}), /GOAWAY/);
  accepted[0]!.end('still here');
  assert.is(await read(first), 'still here');
  client.destroy();
});

test('closing the socket ends the session and destroys every stream', async () => {
  const { client, server } = await sessions();
  server.on('stream', (stream) => stream.reply());
  const stream = client.openStream({});
  await stream.response;
  const pending = client.ping();
  const closed = onceEvent(client, 'close');
  server.destroy();
  await closed;
  assert.ok(stream.destroyed);
  assert.ok(client.isClosed);
  await pending.then(() => assert.unreachable('ping resolved'), () => undefined);
  assert.throws(() => client.openStream({}), /closed/);
});

test('garbage from the peer ends the session with GOAWAY(PROTOCOL_ERROR), no exception escapes', async () => {
  const [ours, theirs] = await socketPair();
  const session = new SpdySession(ours, { role: 'server' });
  const peer = new RawPeer(theirs);
  const closed = onceEvent<[Error | undefined]>(session, 'close');
  theirs.write(Uint8Array.from([0x80, 2, 0, 1, 0, 0, 0, 0])); // SPDY/2
  const [error] = await closed;
  assert.is((error as Error & { code: string }).code, 'unsupported-version');
  const goaway = await peer.next((f) => f.type === 'goaway');
  assert.is(goaway.type === 'goaway' && goaway.status, GoAwayStatus.ProtocolError);
  peer.close();
});

test('frames before a bad one are handled before the session fails, those behind a header block in zlib too', async () => {
  const { session, peer, stream, socket } = await strictPair('auto');
  stream.pause(); // what arrives stays in the stream, to be counted
  const headers = onceEvent<[Record<string, string>]>(stream, 'headers');
  const closed = onceEvent<[Error | undefined]>(session, 'close');
  const version2 = encodeFrame({ type: 'ping', id: 1 });
  version2[1] = 2;
  await peer.sendWithHeaders({ type: 'headers', streamId: 1, fin: false, headerBlock: new Uint8Array() }, { last: 'words' });
  peer.socket.write(Buffer.concat([encodeFrame({ type: 'data', streamId: 1, fin: false, data: Buffer.from('last words') }), version2]));
  const [error] = await closed;
  assert.is((error as Error & { code: string }).code, 'unsupported-version');
  assert.equal({ ...(await headers)[0] }, { last: 'words' });
  assert.is(stream.readableLength, 'last words'.length, 'the DATA reached its stream');
  assert.ok(socket.destroyed || socket.writableEnded);
  peer.close();
});

test('a WINDOW_UPDATE overflowing the window of a stream with nothing to send is ignored; with DATA waiting, the stream is reset', async () => {
  const { session, peer, stream } = await strictPair('strict');
  stream.pause();
  peer.send({ type: 'data', streamId: 1, fin: false, data: new Uint8Array(10) });
  peer.send({ type: 'window_update', streamId: 1, delta: 0x7fffffff });
  await peer.barrier();
  assert.not.ok(stream.destroyed, 'nothing queued: the stream and what it received stay');
  assert.is(stream.readableLength, 10);
  assert.not.ok(peer.frames.some((f) => f.type === 'rst_stream'));
  peer.send({ type: 'window_update', streamId: 1, delta: 1000 });
  stream.write(new Uint8Array(DEFAULT_INITIAL_WINDOW_SIZE + 1)); // the session's window holds its last byte back
  await peer.barrier();
  assert.is(dataBytes(peer.frames, 1), DEFAULT_INITIAL_WINDOW_SIZE);
  peer.send({ type: 'window_update', streamId: 1, delta: 0x7fffffff });
  const reset = await peer.next((f) => f.type === 'rst_stream');
  assert.is(reset.type === 'rst_stream' && reset.status, RstStatus.FlowControlError);
  session.destroy();
  peer.close();
});

test('a header block that does not inflate ends the session with a typed error', async () => {
  const [ours, theirs] = await socketPair();
  const session = new SpdySession(ours, { role: 'server' });
  const peer = new RawPeer(theirs);
  const closed = onceEvent<[Error | undefined]>(session, 'close');
  peer.send({ type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: Uint8Array.from([9, 9, 9, 9]) });
  const [error] = await closed;
  assert.is((error as Error & { code: string }).code, 'invalid-header-block');
  peer.close();
});

test('window arithmetic: spend, grow, refuse overflow; updates in half-window batches', () => {
  const send = new SendWindow(10);
  send.spend(15);
  assert.is(send.available, -5);
  assert.ok(send.grow(5));
  assert.not.ok(new SendWindow(0x7fffffff).grow(1));
  const receive = new ReceiveWindow(100);
  assert.is(receive.consume(49), 0);
  assert.is(receive.consume(1), 50);
});

async function strictPair(peerFlowControl: 'strict' | 'auto') {
  const [ours, theirs] = await socketPair();
  const session = new SpdySession(ours, { role: 'server', peerFlowControl });
  const peer = new RawPeer(theirs);
  const opened = onceEvent<[SpdyStream]>(session, 'stream');
  await peer.sendWithHeaders({ type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: new Uint8Array() }, { streamtype: 'stdout' });
  const [stream] = await opened;
  stream.reply();
  return { session, peer, stream, socket: ours };
}

test('strict flow control: the sender stops at the window and resumes on WINDOW_UPDATE', async () => {
  const { session, peer, stream } = await strictPair('strict');
  const total = 200 * 1024;
  let finished = false;
  stream.end(new Uint8Array(total), () => (finished = true));
  await peer.barrier();
  assert.is(dataBytes(peer.frames, 1), DEFAULT_INITIAL_WINDOW_SIZE);
  assert.not.ok(finished);
  // The stream window alone is not enough: SPDY/3.1 also limits the whole session.
  peer.send({ type: 'window_update', streamId: 1, delta: 50_000 });
  await peer.barrier();
  assert.is(dataBytes(peer.frames, 1), DEFAULT_INITIAL_WINDOW_SIZE);
  peer.send({ type: 'window_update', streamId: 0, delta: 50_000 });
  await peer.barrier();
  assert.is(dataBytes(peer.frames, 1), DEFAULT_INITIAL_WINDOW_SIZE + 50_000);
  peer.send({ type: 'window_update', streamId: 1, delta: total });
  peer.send({ type: 'window_update', streamId: 0, delta: total });
  await peer.next((f) => f.type === 'data' && f.fin);
  assert.is(dataBytes(peer.frames, 1), total);
  assert.ok(finished);
  session.destroy();
  peer.close();
});

test('SETTINGS_INITIAL_WINDOW_SIZE changes the window of open streams', async () => {
  const { session, peer, stream } = await strictPair('strict');
  peer.send({ type: 'settings', clear: false, settings: [{ id: 7, value: 1000, flags: 0 }] });
  await peer.barrier();
  stream.write(new Uint8Array(5000));
  await peer.barrier();
  assert.is(dataBytes(peer.frames, 1), 1000);
  session.destroy();
  peer.close();
});

test('auto flow control: a peer that never sends WINDOW_UPDATE (kubectl) is not held to 64 KiB', async () => {
  const { session, peer, stream } = await strictPair('auto');
  const total = 300 * 1024;
  stream.end(new Uint8Array(total));
  await peer.next((f) => f.type === 'data' && f.fin);
  assert.is(dataBytes(peer.frames, 1), total);
  session.destroy();
  peer.close();
});

test('auto flow control: windows apply as soon as the peer sends a WINDOW_UPDATE', async () => {
  const { session, peer, stream } = await strictPair('auto');
  peer.send({ type: 'window_update', streamId: 1, delta: 1 });
  await peer.barrier();
  stream.write(new Uint8Array(100 * 1024));
  await peer.barrier();
  assert.is(dataBytes(peer.frames, 1), DEFAULT_INITIAL_WINDOW_SIZE + 1);
  session.destroy();
  peer.close();
});

test('WINDOW_UPDATEs go out as the consumer reads, for the stream and the session', async () => {
  const { session, peer, stream } = await strictPair('auto');
  stream.pause();
  const chunk = new Uint8Array(40 * 1024);
  peer.send({ type: 'data', streamId: 1, fin: false, data: chunk });
  await peer.barrier();
  assert.not.ok(peer.frames.some((f) => f.type === 'window_update'), 'no update before the consumer reads');
  stream.resume();
  const update = await peer.next((f) => f.type === 'window_update' && f.streamId === 1);
  const sessionUpdate = await peer.next((f) => f.type === 'window_update' && f.streamId === 0);
  assert.is(update.type === 'window_update' && update.delta, chunk.length);
  assert.is(sessionUpdate.type === 'window_update' && sessionUpdate.delta, chunk.length);
  session.destroy();
  peer.close();
});

test('a window announced with SETTINGS holds an auto peer to it from the first byte: a paused reader is not overrun', async () => {
  const [a, b] = await socketPair();
  const client = new SpdySession(a, { role: 'client' });
  const server = new SpdySession(b, { role: 'server', announceWindow: true });
  const accepted = new Promise<SpdyStream>((resolve) => server.on('stream', (s) => (s.reply(), resolve(s))));
  const stream = client.openStream({ streamtype: 'stdin' });
  await stream.response;
  const inbound = await accepted;
  inbound.pause(); // a process that does not read its stdin
  stream.write(new Uint8Array(300 * 1024));
  // an overrun would pause the server's socket: its pings would go unanswered (the deadlock)
  await withTimeout(Promise.all([client.ping(), server.ping()]), 10_000, 'pings both ways');
  assert.is(inbound.readableLength, DEFAULT_INITIAL_WINDOW_SIZE, 'exactly the window arrived');
  assert.not.ok(b.isPaused(), 'no overrun: the socket reads on (pings, WINDOW_UPDATEs)');
  let received = inbound.readableLength;
  inbound.on('data', (chunk: Uint8Array) => (received += chunk.length));
  received = 0;
  stream.end();
  inbound.resume();
  await onceEvent(inbound, 'end');
  assert.is(received, 300 * 1024);
  client.destroy();
});

test('a peer that overruns our window is slowed by pausing the socket, not dropped', async () => {
  const { session, peer, stream, socket } = await strictPair('auto');
  stream.pause();
  for (let i = 0; i < 5; i++) peer.send({ type: 'data', streamId: 1, fin: i === 4, data: new Uint8Array(32 * 1024) });
  // Once the unread data passes our window the session stops reading its socket; the rest waits in TCP.
  await waitFor(() => socket.isPaused(), 'the socket to be paused');
  let received = stream.readableLength;
  assert.ok(received > DEFAULT_INITIAL_WINDOW_SIZE && received < 5 * 32 * 1024, `buffered ${received}`);
  stream.on('data', (chunk: Uint8Array) => (received += chunk.length));
  received = 0;
  stream.resume();
  await onceEvent(stream, 'end');
  assert.is(received, 5 * 32 * 1024);
  session.destroy();
  peer.close();
});

test.run();
