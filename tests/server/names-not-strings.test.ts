// A name sent as a JSON object with a member called "toString" or "valueOf" (what any client can
// send) was turned into text for the refusal with String(), which throws for such an object: the
// API answered 500 "Internal error" and logged it, and on the terminal socket the message closed
// the whole socket (1011, every terminal of the tab with it) and logged a stack trace, where
// SECURITY.md ("bad input" 5 and 9) asks for a 400 and an error message to that client.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { call, startTestApp, StreamClient, type TestApp } from './support.ts';
import { nameProblem } from '../../src/domain/names.ts';
import { isProblem, parseClientMessage } from '../../src/server/client-messages.ts';

const test = suite('names that are not strings', { deadlineMs: 60_000 });

const warnings: string[] = [];
let app: TestApp;
test.before(async () => {
  app = await startTestApp({ warn: (message) => warnings.push(message) });
});
test.after(async () => {
  await app.close();
});

const objects: unknown[] = [{ toString: 1 }, { valueOf: 'x', toString: null }, { toString: {} }];

test('nameProblem says why of any JSON value, never throws', () => {
  for (const value of objects) for (const kind of ['namespace', 'pod', 'container'] as const) assert.type(nameProblem(kind, value), 'string');
});

test('a control message whose type or namespace is such an object is a problem, not an exception', () => {
  const encode = (message: unknown) => new TextEncoder().encode(JSON.stringify(message));
  for (const value of objects) {
    const unknownType = parseClientMessage(encode({ type: value }));
    assert.ok(isProblem(unknownType) && unknownType.problem === 'unknownType');
    const badNamespace = parseClientMessage(encode({ type: 'watchPods', namespace: value }));
    assert.ok(isProblem(badNamespace) && badNamespace.problem === 'badMessage');
  }
});

test('POST /exec and /batches with such a name: 400 with a sentence, nothing logged as an internal error', async () => {
  const bodies: [string, unknown][] = [
    ['/api/v1/exec', { namespace: { toString: 1 }, pod: 'web', container: 'nginx' }],
    ['/api/v1/exec', { namespace: 'default', pod: { toString: 1 }, container: 'nginx' }],
    ['/api/v1/exec', { namespace: 'default', pod: 'web', containers: [{ toString: 1 }] }],
    ['/api/v1/batches', { namespace: 'default', pods: [{ toString: 1 }], command: { argv: ['ls'] } }],
  ];
  for (const [path, body] of bodies) {
    const answer = await call(app, path, { method: 'POST', body });
    assert.is(answer.status, 400, `${path} ${JSON.stringify(body)}: ${answer.body}`);
    assert.match(answer.json.error.message, /name/);
  }
  assert.equal(warnings, []);
});

test('on the socket: an error message to that client, and the socket stays open', async () => {
  const client = await StreamClient.open(app);
  try {
    const seen = client.messages.length;
    client.send({ type: { toString: 1 } });
    await client.next('error', (m) => m.code === 'unknownType', 'unknownType', seen);
    client.send({ type: 'watchPods', namespace: { toString: 1 } });
    await client.next('error', (m) => m.code === 'badMessage', 'badMessage', seen);
    client.send({ type: 'ping', id: 'still-open' });
    await client.next('pong', (m) => m.id === 'still-open', 'a pong on the same socket', seen);
    assert.is(client.closeCode, undefined);
  } finally {
    await client.close();
  }
});

test.run();
