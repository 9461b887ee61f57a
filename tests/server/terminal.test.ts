// Terminals over the socket against the sandbox: a full interactive session, "all containers",
// reattach with scrollback, several viewers, and the socket's answers to bad messages.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionRow, sessionState, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const app = await startTestApp();
test.after(() => app.close());

test('a full interactive session: 42, resize, exit 7 in the session list and the audit trail', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
  const tab = await StreamClient.open(app);
  const attached = await tab.attach(id);
  assert.is(attached.dropped, 0);
  assert.is(attached.restored, false);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell to connect', 15_000);
  tab.type(id, 'echo $((6*7))\r');
  await tab.waitForText(id, /[\r\n]42\r\n/);

  tab.send({ type: 'resize', sessionId: id, cols: 100, rows: 40 });
  await waitFor(async () => (await sessionState(app, id))?.size?.cols === 100, 'the resize to reach the session list', 10_000);
  tab.type(id, 'stty size\r');
  await tab.waitForText(id, /[\r\n]40 100\r\n/);

  tab.type(id, 'exit 7\r');
  await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'the shell to exit', 15_000);
  assert.is((await sessionRow(app, id)).exitCode, 7);
  const audit = await call(app, '/api/v1/audit');
  const record = audit.json.records.find((r: { sessionId?: string }) => r.sessionId === id);
  assert.equal(record.outcome, { kind: 'exited', code: 7 });
  assert.equal(record.target, { namespace: 'default', pod: 'web', container: 'nginx' });
  // the viewer heard the session end
  await tab.next('session', (m) => m.session.sessionId === id && m.session.state === 'exited', 'the exited session pushed');
  await tab.next('stream', (m) => m.sessionId === id && m.state === 'closed', 'the stream closed');
  // typing into an ended session says so
  const seen = tab.messages.length;
  tab.type(id, 'x');
  const error = await tab.next('error', () => true, 'an error', seen);
  assert.is(error.code, 'notRunning');
  await tab.close();
});

test('"all containers" on web opens one terminal per running container', async () => {
  const res = await call(app, '/api/v1/exec', { body: { namespace: 'default', pod: 'web', containers: 'all', command: { argv: ['sh', '-c', 'echo in-$HOSTNAME; sleep 30'] }, interactive: false } });
  assert.is(res.status, 201);
  assert.is(res.json.sessionIds.length, 2);
  assert.equal(res.json.containers.sort(), ['nginx', 'sidecar']);
  const rows = await Promise.all(res.json.sessionIds.map((id: string) => sessionState(app, id)));
  assert.equal(rows.map((r) => r.target.container).sort(), ['nginx', 'sidecar']);
  for (const id of res.json.sessionIds) assert.is((await call(app, `/api/v1/sessions/${id}/close`, { body: {} })).status, 200);
});

test('a command is argv end to end: "ls; rm -rf /" is one word and never reaches a shell', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', container: 'nginx', command: { argv: ['ls; rm -rf /'] }, interactive: false });
  await waitFor(async () => ['failed', 'exited'].includes((await sessionRow(app, id)).state), 'the command to end', 15_000);
  const row = await sessionRow(app, id);
  assert.equal(row.argv, ['ls; rm -rf /']);
  assert.is(row.state, 'failed');
  assert.is(row.failure?.reason, 'commandNotFound');
  const [line] = await openExec(app, { namespace: 'default', pod: 'web', container: 'nginx', command: { line: 'echo ls; rm -rf /' }, interactive: false });
  const tab = await StreamClient.open(app);
  await tab.attach(line);
  await tab.waitForText(line, 'ls; rm -rf /');
  assert.equal((await sessionRow(app, line)).argv, ['echo', 'ls;', 'rm', '-rf', '/']);
  await tab.close();
});

test('reattach after a socket drop gets the scrollback, and "from" gets only what was missed', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const first = await StreamClient.open(app);
  await first.attach(id);
  first.type(id, 'echo before-$((20+1))\r');
  await first.waitForText(id, 'before-21');
  const seenBytes = first.received(id);
  first.ws.terminate(); // no close frame
  await first.closed;
  await waitFor(() => app.hub.stats(id)?.viewers.length === 0, 'the hub to drop the socket', 5_000);

  const again = await StreamClient.open(app);
  const attached = await again.attach(id);
  assert.is(attached.from, 0);
  assert.is(attached.dropped, 0);
  assert.ok(attached.running);
  await again.waitForText(id, 'before-21');
  assert.equal(again.bytes(id).subarray(0, seenBytes), first.bytes(id).subarray(0, seenBytes));
  again.type(id, 'echo after-$((20+2))\r');
  await again.waitForText(id, 'after-22');

  const third = await StreamClient.open(app);
  const partial = await third.attach(id, { from: seenBytes });
  assert.is(partial.from, seenBytes);
  await waitFor(() => third.received(id) >= partial.to - seenBytes, 'the replay', 5_000);
  assert.equal(third.bytes(id).subarray(0, partial.to - seenBytes), again.bytes(id).subarray(seenBytes, partial.to));
  assert.not.ok(third.text(id).includes('before-21\r\n'));
  await again.close();
  await third.close();
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
});

test('a truncated scrollback says how many bytes were dropped', async () => {
  const small = await startTestApp({ hub: { scrollbackBytes: 4096 } });
  try {
    const [id] = await openExec(small, { namespace: 'default', pod: 'web', container: 'nginx', command: { argv: ['sh', '-c', 'seq 1 5000; sleep 30'] }, interactive: false });
    await waitFor(() => (small.hub.stats(id)?.end ?? 0) >= 23_893, 'seq to print everything', 15_000);
    const tab = await StreamClient.open(small);
    const attached = await tab.attach(id);
    assert.is(attached.to, 23_893); // the bytes of "1\n" … "5000\n"
    assert.ok(attached.dropped > 0);
    assert.is(attached.from, attached.dropped);
    assert.ok(attached.to - attached.from <= 4096);
    await waitFor(() => tab.received(id) === attached.to - attached.from, 'the replay', 5_000);
    assert.ok(tab.text(id).endsWith('4999\n5000\n'));
    await tab.close();
  } finally {
    await small.close();
  }
});

test('two viewers get identical bytes in the same order', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const a = await StreamClient.open(app);
  const b = await StreamClient.open(app);
  await a.attach(id);
  await b.attach(id);
  a.type(id, 'seq 1 3000\r');
  // b types once seq has printed all: typed at once, b's line could reach the shell first
  await a.waitForText(id, /\r\n3000\r\n/);
  b.type(id, 'echo done-$((1+2))\r');
  await a.waitForText(id, /done-3\r\n/);
  await b.waitForText(id, /done-3\r\n/);
  await waitFor(() => a.received(id) === b.received(id), 'both viewers to have the same byte count', 5_000);
  assert.ok(a.bytes(id).equals(b.bytes(id)));
  assert.ok(a.text(id).includes('\r\n3000\r\n'));
  await a.close();
  await b.close();
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
});

test('a UTF-8 character split across two writes reaches the viewer byte for byte, and split input reaches the process', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', container: 'nginx', command: { argv: ['sh', '-c', "printf '\\342\\202'; sleep 0.3; printf '\\254\\n'"] }, interactive: false });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'exited', 'printf to finish', 15_000);
  await waitFor(() => tab.received(id) === 4, 'all four bytes', 5_000);
  assert.equal([...tab.bytes(id)], [0xe2, 0x82, 0xac, 0x0a]);
  assert.is(tab.text(id), '€\n');

  const [shell] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  await tab.attach(shell);
  await waitFor(async () => (await sessionState(app, shell))?.state === 'interactive', 'the shell to connect', 15_000);
  // after its prompt: typed before it, the tty echoes the first half, then sh prints "# ", then the
  // echo of the second half, and the echo's character is cut in two on the screen (the answer is whole)
  await tab.waitForText(shell, '# ');
  tab.type(shell, new Uint8Array([...new TextEncoder().encode('echo x'), 0xe2, 0x82]));
  tab.type(shell, new Uint8Array([0xac, ...new TextEncoder().encode('y\r')]));
  // x€y twice: the terminal's echo of what was typed, then the shell's answer (the prompt may come anywhere around them)
  await waitFor(() => tab.text(shell).split('x€y\r\n').length === 3, 'the echo and the answer', 15_000);
  await tab.close();
  await call(app, `/api/v1/sessions/${shell}/close`, { body: {} });
});

test('fast typing is never refused: 1500 keystrokes sent at once all reach the process', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', `stty raw -echo; printf 'count=%s\\n' "$(head -c 1500 | wc -c)"`] } });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the exec to start', 15_000);
  // keys that come before stty has run are echoed by the terminal (cooked still): the count is marked, not alone on its row
  for (let i = 0; i < 1500; i++) tab.type(id, 'k');
  await tab.waitForText(id, /count=1500\r?\n/);
  assert.not.ok(tab.messages.some((m) => m.type === 'error'), JSON.stringify(tab.messages.filter((m) => m.type === 'error')));
  await tab.close();
});

test('bad socket messages get an error message and the socket keeps working', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const tab = await StreamClient.open(app);
  const errorAfter = async (send: () => void, code: string) => {
    const seen = tab.messages.length;
    send();
    const m = await tab.next('error', () => true, `error ${code}`, seen);
    assert.is(m.code, code);
    assert.not.match(m.message, /at .*\.ts/);
  };
  await errorAfter(() => tab.send('{not json'), 'badMessage');
  await errorAfter(() => tab.send('[1,2]'), 'badMessage');
  await errorAfter(() => tab.send({ type: 'launchMissiles' }), 'unknownType');
  await errorAfter(() => tab.send({ type: 'attach', sessionId: 'nope' }), 'unknownSession');
  await errorAfter(() => tab.type(id, 'echo hi\r'), 'notAttached');
  await errorAfter(() => tab.ws.send(new Uint8Array([0x10, 0])), 'badMessage');
  await errorAfter(() => tab.ws.send(new Uint8Array([0x01, 2, 0x74, 0x31, 0x41])), 'badMessage');
  await tab.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell to connect', 15_000);
  await errorAfter(() => tab.send({ type: 'resize', sessionId: id, cols: 'wide', rows: 10 }), 'badResize');
  await errorAfter(() => tab.send({ type: 'ack', sessionId: id, bytes: -5 }), 'badAck');
  // sizes are clamped to 1..1000
  tab.send({ type: 'resize', sessionId: id, cols: 0, rows: -3 });
  await waitFor(async () => (await sessionState(app, id))?.size?.cols === 1, 'the clamped resize 1x1', 10_000);
  assert.equal((await sessionRow(app, id)).size, { cols: 1, rows: 1 });
  tab.send({ type: 'resize', sessionId: id, cols: 100_000, rows: 100_000 });
  await waitFor(async () => (await sessionState(app, id))?.size?.cols === 1000, 'the clamped resize 1000x1000', 10_000);
  assert.equal((await sessionRow(app, id)).size, { cols: 1000, rows: 1000 });
  tab.send({ type: 'resize', sessionId: id, cols: 80, rows: 24 });
  tab.send({ type: 'ping', id: 7 });
  await tab.next('pong', (m) => m.id === 7, 'pong');
  tab.type(id, 'echo still-$((2*2))\r');
  await tab.waitForText(id, /[\r\n]still-4\r\n/);
  await tab.close();
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
});

test('a frame over maxPayload closes that socket with 1009; the server and the session carry on', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  tab.type(id, new Uint8Array(app.hub.options.maxPayload + 1));
  assert.is(await tab.closed, 1009);
  const other = await StreamClient.open(app);
  await other.attach(id);
  other.type(id, 'echo fine-$((3*3))\r');
  // the typed line holds fine-$((3*3)), never fine-9; the answer may follow sh's prompt on its line
  await other.waitForText(id, /fine-9\r\n/);
  await other.close();
  await call(app, `/api/v1/sessions/${id}/close`, { body: {} });
});

test('closing a session detaches its viewers and tells every socket', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  assert.is((await call(app, `/api/v1/sessions/${id}/close`, { body: {} })).status, 200);
  await tab.next('detached', (m) => m.sessionId === id && m.reason === 'closed', 'detached');
  await tab.next('sessionClosed', (m) => m.sessionId === id, 'sessionClosed');
  assert.is(app.hub.stats(id), undefined);
  assert.is((await call(app, `/api/v1/sessions/${id}/close`, { body: {} })).status, 404);
  await tab.close();
});

test.run();
