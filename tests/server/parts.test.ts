// The server's small parts on their own: frames, the scrollback, the token bucket, the front
// door's checks and the exec body rules.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { FrameKind, decodeFrame, encodeFrame } from '../../src/protocol/frames.ts';
import { Scrollback } from '../../src/server/scrollback.ts';
import { CHANGE_COST } from '../../src/server/channel-changes.ts';
import { TokenBucket } from '../../src/domain/token-bucket.ts';
import { FrontDoor, cookieValue, newToken, sameSecret } from '../../src/server/security.ts';
import { parseExecBody } from '../../src/server/exec-body.ts';
import { HttpError } from '../../src/server/replies.ts';
import { isProblem, parseClientMessage } from '../../src/server/client-messages.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('frames: encode and decode round-trip; malformed frames are named, not thrown', () => {
  const frame = encodeFrame(FrameKind.Input, 't12', bytes('ls\r'));
  assert.equal([...frame.subarray(0, 5)], [0x10, 3, 0x74, 0x31, 0x32]);
  const decoded = decodeFrame(frame);
  assert.ok(typeof decoded !== 'string');
  assert.equal(decoded, { kind: FrameKind.Input, sessionId: 't12', payload: bytes('ls\r') });
  assert.type(decodeFrame(new Uint8Array([0x10, 1])), 'string');
  assert.type(decodeFrame(new Uint8Array([0x99, 1, 0x74, 0])), 'string');
  assert.type(decodeFrame(new Uint8Array([0x10, 5, 0x74])), 'string');
  assert.type(decodeFrame(new Uint8Array([0x10, 1, 0x2f, 0])), 'string'); // "/" is never in an id
  assert.throws(() => encodeFrame(FrameKind.Stdout, 'a/b', bytes('x')));
  // an empty payload is a valid frame (nothing to write)
  const empty = decodeFrame(encodeFrame(FrameKind.Stdout, 't1', new Uint8Array()));
  assert.ok(typeof empty !== 'string' && empty.payload.length === 0);
});

test('scrollback: keeps the last bytes, counts offsets from the first, replays from any offset', () => {
  const sb = new Scrollback(10);
  sb.append(bytes('abcdef'));
  sb.append(bytes('ghijkl'));
  assert.is(sb.start, 2);
  assert.is(sb.end, 12);
  assert.is(sb.size, 10);
  assert.equal(new TextDecoder().decode(sb.since(0).bytes), 'cdefghijkl');
  assert.is(sb.since(0).from, 2);
  assert.equal(new TextDecoder().decode(sb.since(9).bytes), 'jkl');
  assert.is(sb.since(50).bytes.length, 0);
  assert.is(sb.since(50).from, 12);
});

test('scrollback: never starts a replay inside a UTF-8 character, and copies what it keeps', () => {
  const sb = new Scrollback(5);
  const source = bytes('aé€b'); // 1 + 2 + 3 + 1 bytes
  sb.append(source);
  source.fill(0); // the producer reuses its buffer
  const kept = new TextDecoder('utf-8', { fatal: true }).decode(sb.since(0).bytes);
  assert.is(kept, '€b');
  assert.is(sb.start, 3);
});

test('scrollback: a Node Buffer view is copied too, so an idle session holds the bytes written and not the buffer around them', () => {
  const sb = new Scrollback(1024);
  // a prompt as an exec stream hands it over: two bytes in a Buffer over a much larger read buffer
  const readBuffer = new ArrayBuffer(64 * 1024);
  const prompt = Buffer.from(readBuffer, 100, 2);
  prompt.write('$ ', 'latin1');
  sb.append(prompt);
  prompt.fill(0); // the producer reuses its buffer
  structuredClone(readBuffer, { transfer: [readBuffer] }); // and would leave it detached if the scrollback still pointed into it
  assert.is(new TextDecoder().decode(sb.since(0).bytes), '$ ');
  assert.is(sb.size, 2);
});

test('scrollback: a window of it, from one offset to another, with its streams', () => {
  const sb = new Scrollback(1024);
  sb.append(new TextEncoder().encode('abc'), 'stdout');
  sb.append(new TextEncoder().encode('DEF'), 'stderr');
  sb.append(new TextEncoder().encode('ghi'), 'stdout');
  const window = sb.since(2, 7);
  assert.equal([window.from, new TextDecoder().decode(window.bytes)], [2, 'cDEFg']);
  assert.equal(window.runs, [{ channel: 'stdout', length: 1 }, { channel: 'stderr', length: 3 }, { channel: 'stdout', length: 1 }]);
  assert.is(sb.since(5, 100).bytes.length, 4, 'a window past the end stops at it');
  assert.is(sb.since(6, 3).bytes.length, 0, 'one that ends before it starts is empty');
});

test('scrollback: a replay says which stream each stretch of bytes came on', () => {
  const sb = new Scrollback(10 + 2 * CHANGE_COST); // 10 bytes, and the 2 changes of stream between them
  sb.append(bytes('abc'), 'stdout');
  sb.append(bytes('de'), 'stdout');
  sb.append(bytes('FGH'), 'stderr');
  sb.append(bytes('ij'), 'stdout');
  assert.equal(sb.since(0).runs, [{ channel: 'stdout', length: 5 }, { channel: 'stderr', length: 3 }, { channel: 'stdout', length: 2 }]);
  assert.equal(sb.since(6).runs, [{ channel: 'stderr', length: 2 }, { channel: 'stdout', length: 2 }]);
  sb.append(bytes('klmnop'), 'stderr'); // trims "abc", "de" and "F"
  assert.equal(sb.since(0).runs, [{ channel: 'stderr', length: 2 }, { channel: 'stdout', length: 2 }, { channel: 'stderr', length: 6 }]);
  assert.is(new TextDecoder().decode(sb.since(0).bytes), 'GHijklmnop');
});

test('scrollback: line feeds held from an offset, across chunks, counted only as far as asked', () => {
  const sb = new Scrollback(1024);
  sb.append(bytes('a\nb\n'));
  sb.append(bytes('c\nd'));
  sb.append(bytes('\n\n'));
  assert.is(sb.lineFeedsSince(0, 100), 5);
  assert.is(sb.lineFeedsSince(2, 100), 4, 'from the second line on');
  assert.is(sb.lineFeedsSince(5, 100), 3, 'from inside the second chunk');
  assert.is(sb.lineFeedsSince(sb.end, 100), 0);
  assert.is(sb.lineFeedsSince(0, 2), 3, 'stops one past what was asked');
});

test('token bucket: bursts, then the rate', () => {
  let now = 0;
  const bucket = new TokenBucket(10, 20, () => now);
  assert.ok(bucket.take(20));
  assert.not.ok(bucket.take(1));
  now += 500;
  assert.ok(bucket.take(5));
  assert.not.ok(bucket.take(1));
  assert.not.ok(bucket.take(100)); // more than a burst never fits
});

test('tokens: 256 bits, all different; secrets compared whatever their length', () => {
  const tokens = new Set(Array.from({ length: 100 }, newToken));
  assert.is(tokens.size, 100);
  const t = newToken();
  assert.ok(sameSecret(t, t));
  assert.not.ok(sameSecret(t + 'x', t));
  assert.not.ok(sameSecret('', t));
});

test('front door: Host and Origin allowlists with the port; credentials from cookie or bearer only', () => {
  const door = new FrontDoor({ token: 'secret', port: 7788, hostNames: ['octant.local'], embedOrigins: ['http://127.0.0.1:7777/'] });
  for (const host of ['127.0.0.1:7788', 'localhost:7788', '[::1]:7788', 'octant.local:7788']) assert.ok(door.hostAllowed(host), host);
  for (const host of ['127.0.0.1', '127.0.0.1:7777', 'evil.example:7788', undefined, '']) assert.not.ok(door.hostAllowed(host), String(host));
  for (const origin of ['http://127.0.0.1:7788', 'http://localhost:7788', 'http://127.0.0.1:7777']) assert.ok(door.originAllowed(origin), origin);
  for (const origin of ['https://127.0.0.1:7788', 'http://127.0.0.1:7789', 'null', 'file://', 'javascript:x', undefined]) assert.not.ok(door.originAllowed(origin), String(origin));
  // at port 80 a browser sends Host and Origin without the port
  const at80 = new FrontDoor({ token: 'secret', port: 80, hostNames: ['proxy.local:80'] });
  for (const host of ['127.0.0.1', '127.0.0.1:80', 'localhost', 'proxy.local']) assert.ok(at80.hostAllowed(host), host);
  for (const origin of ['http://127.0.0.1', 'http://localhost', 'http://[::1]', 'http://proxy.local']) assert.ok(at80.originAllowed(origin), origin);
  for (const origin of ['http://127.0.0.1:80', 'http://127.0.0.1:7788', 'https://127.0.0.1']) assert.not.ok(at80.originAllowed(origin), origin);
  assert.ok(new FrontDoor({ token: 'secret', port: 7788, hostNames: ['proxy.local:80'] }).originAllowed('http://proxy.local'), 'a named host at port 80 in front of another port');
  const req = (url: string, headers: Record<string, string>) => ({ url, headers }) as unknown as IncomingMessage;
  assert.is(door.authenticate(req('/api/v1/x', { authorization: 'Bearer secret' })), undefined);
  assert.is(door.authenticate(req('/api/v1/x', { cookie: `a=b; ${door.cookieName}=secret` })), undefined);
  assert.match(door.cookieName, /^octant_exec_session_[A-Za-z0-9_-]{12}$/);
  assert.is(door.authenticate(req('/api/v1/x', {})), 'missing');
  assert.is(door.authenticate(req('/api/v1/x', { authorization: 'Basic secret' })), 'missing');
  assert.is(door.authenticate(req('/api/v1/x', { authorization: 'Bearer nope' })), 'wrong');
  assert.is(door.authenticate(req('/api/v1/x?Token=secret', { authorization: 'Bearer secret' })), 'tokenInQuery');
  assert.is(door.sessionCookie(), `${door.cookieName}=secret; HttpOnly; SameSite=Strict; Path=/`);
  assert.is(cookieValue(' x=1 ;octant_exec_session=v ', 'octant_exec_session'), 'v');
});

test('exec bodies: defaults, "all", and a command line split by the quoting rule, never by a shell', () => {
  assert.equal(parseExecBody({ namespace: 'default', pod: 'web', container: 'nginx' }), {
    namespace: 'default',
    pod: 'web',
    containers: ['nginx'],
    command: { shell: 'auto' },
    interactive: true,
  });
  assert.is(parseExecBody({ namespace: 'default', pod: 'web', containers: 'all', idleTimeoutSeconds: 5 }).idleTimeoutMs, 5000);
  // stdin without a terminal (a pipe), only for a non-interactive exec
  assert.is(parseExecBody({ namespace: 'a', pod: 'b', container: 'c', interactive: false, stdin: true }).stdin, true);
  assert.not.ok('stdin' in parseExecBody({ namespace: 'a', pod: 'b', container: 'c', interactive: false, stdin: false }));
  for (const body of [{ stdin: true }, { interactive: true, stdin: true }, { interactive: false, stdin: 'yes' }]) {
    assert.throws(() => parseExecBody({ namespace: 'a', pod: 'b', container: 'c', ...body }), (error: unknown) => error instanceof HttpError && error.status === 400, JSON.stringify(body));
  }
  assert.equal(parseExecBody({ namespace: 'a', pod: 'b', container: 'c', command: { line: `  ls; rm  -rf /\t"quoted word" $HOME sh -c 'exit 42'` } }).command, {
    argv: ['ls;', 'rm', '-rf', '/', 'quoted word', '$HOME', 'sh', '-c', 'exit 42'],
  });
  assert.equal(parseExecBody({ namespace: 'a', pod: 'b', container: 'c', command: { argv: ['sh', '-c', 'echo $((1+1))'] } }).command, { argv: ['sh', '-c', 'echo $((1+1))'] });
  const refusal = (body: unknown) => {
    try {
      parseExecBody(body);
    } catch (error) {
      assert.instance(error, HttpError);
      return (error as HttpError).status;
    }
    return 0;
  };
  assert.is(refusal({ namespace: 'a', pod: 'b', containers: ['c', 'c'] }), 400);
  assert.is(refusal({ namespace: 'a', pod: 'b', container: 'c', containers: ['c'] }), 400);
  assert.is(refusal({ namespace: 'a', pod: 'b', container: 'c', command: { line: '   ' } }), 400);
  assert.is(refusal({ namespace: 'a', pod: 'b', container: 'c', command: { line: "echo 'unclosed" } }), 400);
  assert.is(refusal({ namespace: 'a', pod: 'b', container: 'c', command: { argv: ['a\0b'] } }), 400);
  assert.is(refusal({ namespace: 'a', pod: 'b', container: 'c', command: { argv: Array(257).fill('x') } }), 400);
  assert.is(refusal({ namespace: 'a', pod: 'b', container: 'c', command: { shell: 'sh', argv: ['x'] } }), 400);
});

test('socket control messages: checked field by field, sizes clamped, problems named', () => {
  const parse = (value: unknown) => parseClientMessage(bytes(typeof value === 'string' ? value : JSON.stringify(value)));
  assert.equal(parse({ type: 'resize', sessionId: 't1', cols: 0, rows: -3 }), { type: 'resize', sessionId: 't1', cols: 1, rows: 1 });
  assert.equal(parse({ type: 'resize', sessionId: 't1', cols: 1e5, rows: 24.6 }), { type: 'resize', sessionId: 't1', cols: 1000, rows: 25 });
  assert.equal(parse({ type: 'attach', sessionId: 't1' }), { type: 'attach', sessionId: 't1', from: 0, ack: true });
  assert.equal(parse({ type: 'attach', sessionId: 't1', screen: true, catchUp: 'screen' }), { type: 'attach', sessionId: 't1', from: 0, ack: true, screen: true, catchUp: 'screen' });
  assert.equal(parse({ type: 'ping', id: 3 }), { type: 'ping', id: 3 });
  const problem = (value: unknown) => {
    const parsed = parse(value);
    return isProblem(parsed) ? parsed.problem : 'accepted';
  };
  assert.is(problem('{"type":'), 'badMessage');
  assert.is(problem('null'), 'badMessage');
  assert.is(problem({ type: 'ATTACH', sessionId: 't1' }), 'unknownType');
  assert.is(problem({ type: 'attach' }), 'badMessage');
  assert.is(problem({ type: 'attach', sessionId: '../t1' }), 'badMessage');
  // names of Object's own members would find them in the lists' plain objects
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) assert.is(problem({ type: 'attach', sessionId: name }), 'badMessage', name);
  assert.is(problem({ type: 'attach', sessionId: 't1', from: -1 }), 'badMessage');
  assert.is(problem({ type: 'attach', sessionId: 't1', catchUp: true }), 'badMessage');
  assert.is(problem({ type: 'attach', sessionId: 't1', catchUp: 'bytes' }), 'badMessage');
  assert.is(problem({ type: 'resize', sessionId: 't1', cols: '80', rows: 24 }), 'badResize');
  assert.is(problem({ type: 'resize', sessionId: 't1', cols: null, rows: 24 }), 'badResize');
  assert.is(problem({ type: 'ack', sessionId: 't1', bytes: 1.5 }), 'badAck');
  assert.is(problem({ type: 'watchPods', namespace: 'Kube System' }), 'badMessage');
  assert.is(problem({ type: 'ping', pad: 'x'.repeat(5000) }), 'badMessage');
  assert.is(isProblem(parseClientMessage(new Uint8Array([0x7b, 0xff, 0x7d]))), true); // not UTF-8
});

test.run();
