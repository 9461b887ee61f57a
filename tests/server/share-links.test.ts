// Sharing a live terminal in local mode, over HTTP and the socket against the sandbox: a link's
// one-time secret traded for a cookie that opens that terminal and nothing else; a viewer refused
// input, a participant's keystrokes going through and logged as theirs (not what they typed, and
// not once per key), its end of input too; a viewer that lags (or never acks) holding nothing back;
// revoke, demote and remove reaching an open socket at once; the screen, never what the owner
// cleared before sharing; and every bad use
// of a link refused: wrong, guessed, reused from another browser, for another terminal, malformed.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, call, openExec, sessionState, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';

// a person is logged as left soon after their last socket closes (30 s by default)
const app: TestApp = await startTestApp({ hub: { shareLeftAfterMs: 200 } });
test.after(() => app.close());

const shell = { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } };
const [terminal] = await openExec(app, shell);
const [other] = await openExec(app, shell);
await waitFor(async () => (await sessionState(app, terminal))?.state === 'interactive', 'the shell to connect', 15_000);

/** Makes a share as the owner (the token's holder); returns its id and the secret from its link. */
async function share(role: 'viewer' | 'participant', sessionId = terminal): Promise<{ id: string; secret: string }> {
  const made = await call(app, `/api/v1/sessions/${sessionId}/shares`, { body: { role } });
  assert.is(made.status, 201, made.body);
  const fragment = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
  return { id: fragment.get('id')!, secret: fragment.get('s')! };
}

/**
 * POST /share-session as a browser would (no token, the body given). Every try counts against the
 * server's limit on link tries (the last test's subject), and this file makes more than its burst:
 * a 429 is waited out as its Retry-After says, as the shared page tells a person to.
 */
async function openLink(body: unknown): Promise<Awaited<ReturnType<typeof call>>> {
  for (;;) {
    const res = await call(app, '/api/v1/share-session', { token: null, body });
    if (res.status !== 429) return res;
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000));
  }
}

/** Opens the link as a browser would: no token, the secret in the body; returns the share cookie. */
async function claim(link: { id: string; secret: string }): Promise<string> {
  const res = await openLink({ id: link.id, secret: link.secret });
  assert.is(res.status, 200, res.body);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  assert.match(cookie, /^octant_exec_share_s\w+=/);
  return cookie;
}

const asLink = (cookie: string) => ({ as: { headers: { Cookie: cookie } } });
const entries = async (): Promise<LogEntry[]> => (await call(app, '/api/v1/events?limit=1000')).json.entries;

/** The seq of the newest entry in the log, read page after page. */
async function newestSeq(): Promise<number> {
  let newest = 0;
  for (;;) {
    const page = (await call(app, `/api/v1/events?after=${newest}&limit=1000`)).json as { entries: LogEntry[]; next: number | null };
    newest = page.entries.at(-1)?.seq ?? newest;
    if (page.next === null) return newest;
  }
}

test('a link opens in one browser only: a second is refused, the first keeps working; the secret is nowhere in the log', async () => {
  const link = await share('viewer');
  const cookie = await claim(link);
  const again = await openLink(link);
  assert.is(again.status, 409);
  assert.match(again.json.error.message, 'already opened in another browser');
  const shared = await call(app, '/api/v1/shared', { token: null, cookie });
  assert.is(shared.status, 200, shared.body);
  assert.equal({ sessionId: shared.json.sessionId, role: shared.json.role, sharedBy: shared.json.sharedBy }, { sessionId: terminal, role: 'viewer', sharedBy: 'the local user' });
  const log = JSON.stringify(await entries());
  assert.not.ok(log.includes(link.secret), 'the link\'s secret is not in the log');
  assert.not.ok(log.includes(cookie.split('.')[1]), 'the cookie\'s secret is not in the log');
  assert.ok(log.includes('"share.claimed"'));
});

test('a share cookie opens its one terminal and nothing else: no API, no session list, no other terminal, no pods', async () => {
  const cookie = await claim(await share('viewer'));
  for (const [method, path] of [['GET', '/api/v1/sessions'], ['GET', '/api/v1/info'], ['GET', '/api/v1/audit'], ['GET', `/api/v1/sessions/${terminal}/shares`], ['POST', '/api/v1/exec'], ['GET', '/api/v1/namespaces/default/pods']]) {
    const res = await call(app, path, { method, token: null, cookie, ...(method === 'POST' ? { body: shell } : {}) });
    assert.is(res.status, 403, `${method} ${path}: ${res.body}`);
  }
  const tab = await StreamClient.open(app, asLink(cookie));
  assert.equal(tab.hello.sessions, [], 'the hello lists no terminal');
  const seen = tab.messages.length;
  tab.send({ type: 'attach', sessionId: other });
  assert.is((await tab.next('error', (m) => m.sessionId === other, 'the other terminal refused', seen)).code, 'unknownSession');
  tab.send({ type: 'watchPods', namespace: 'default' });
  assert.is((await tab.next('error', (m) => m.code === 'watchFailed', 'pods refused', seen)).code, 'watchFailed');
  const attached = await tab.attach(terminal);
  assert.is(attached.session.sessionId, terminal);
  await tab.close();
});

test('a viewer sees the terminal and may not type or resize; the owner\'s typing reaches it', async () => {
  const cookie = await claim(await share('viewer'));
  const viewer = await StreamClient.open(app, asLink(cookie));
  await viewer.attach(terminal, { screen: true });
  const owner = await StreamClient.open(app);
  await owner.attach(terminal);
  const seen = viewer.messages.length;
  viewer.type(terminal, 'echo from-viewer\r');
  assert.is((await viewer.next('error', (m) => m.sessionId === terminal, 'input refused', seen)).code, 'readOnly');
  viewer.send({ type: 'resize', sessionId: terminal, cols: 50, rows: 10 });
  await viewer.next('error', (m) => m.sessionId === terminal && m.code === 'readOnly', 'resize refused', viewer.messages.length - 1);
  owner.type(terminal, 'echo owner-$((40+2))\r');
  await viewer.waitForText(terminal, 'owner-42');
  assert.not.ok(owner.text(terminal).includes('from-viewer'));
  await viewer.close();
  await owner.close();
});

test("a link's holder sees the screen as it is, never the output the owner cleared before sharing, whatever it asks for", async () => {
  const [cleared] = await openExec(app, shell);
  await waitFor(async () => (await sessionState(app, cleared))?.state === 'interactive', 'the shell to connect', 15_000);
  const owner = await StreamClient.open(app);
  await owner.attach(cleared);
  // the secret printed, then the screen and its history cleared (clear's \e[3J)
  owner.type(cleared, "printf 'TOP%sSECRET\\n' _; printf '\\033[H\\033[2J\\033[3J'; echo cleared-$((40+2))\r");
  await owner.waitForText(cleared, 'cleared-42');
  assert.ok(owner.text(cleared).includes('TOP_SECRET'), 'the owner saw it');
  for (const role of ['viewer', 'participant'] as const) {
    const holder = await StreamClient.open(app, asLink(await claim(await share(role, cleared))));
    await holder.attach(cleared, { from: 0, ack: true }); // every byte from the first, and no screen: as a client of its own may ask
    await waitFor(() => holder.screen(cleared).toString().includes('cleared-42'), `the ${role} to get the screen`, 15_000);
    owner.type(cleared, `echo ${role}-$((40+2))\r`);
    await holder.waitForText(cleared, `${role}-42`); // then the output, as it comes
    assert.not.ok(`${holder.screen(cleared)}${holder.text(cleared)}`.includes('TOP_SECRET'), `the ${role} got the cleared output`);
    await holder.close();
  }
  await owner.close();
  await call(app, `/api/v1/sessions/${cleared}/close`, { body: {} });
});

test('a participant types; the log says who typed, once for a burst of keys, and never what; the owner makes them a viewer at once', async () => {
  const link = await share('participant');
  const cookie = await claim(link);
  const participant = await StreamClient.open(app, asLink(cookie));
  await participant.attach(terminal);
  for (const key of 'echo typed-$((3*3))\r') participant.type(terminal, key);
  await participant.waitForText(terminal, 'typed-9');
  const log = await entries();
  const typed = log.filter((e) => e.type === 'share.typed' && e.shareId === link.id);
  assert.is(typed.length, 1, 'one fact for the whole line');
  assert.equal(typed[0], { ...typed[0], who: 'link holder', sessionId: terminal });
  assert.not.ok(JSON.stringify(log).includes('typed-$'), 'what was typed is not in the log');
  assert.ok(log.some((e) => e.type === 'share.joined' && e.shareId === link.id && e.who === 'link holder' && e.role === 'participant'));

  const beforeDemotion = participant.messages.length; // its role was said on attach too
  const demoted = await call(app, `/api/v1/sessions/${terminal}/shares/${link.id}/watchers`, { body: { who: 'link holder', role: 'viewer' } });
  assert.is(demoted.status, 200, demoted.body);
  const role = await participant.next('shareRole', (m) => m.sessionId === terminal, 'the new role', beforeDemotion);
  assert.is(role.role, 'viewer');
  const seen = participant.messages.length;
  participant.type(terminal, 'x');
  assert.is((await participant.next('error', (m) => m.sessionId === terminal, 'input refused now', seen)).code, 'readOnly');

  const list = await call(app, `/api/v1/sessions/${terminal}/shares`);
  const listed = list.json.shares.find((s: { shareId: string }) => s.shareId === link.id);
  assert.equal(listed.watchers.map((w: { who: string; role: string; watching: boolean }) => [w.who, w.role, w.watching]), [['link holder', 'viewer', true]]);
  assert.is(listed.used, true);
  assert.not.ok(JSON.stringify(list.json).includes('Hash'), 'no hash leaves the server');
  await participant.close();
  // their last socket closed: they left
  await waitFor(async () => (await entries()).some((e) => e.type === 'share.left' && e.shareId === link.id), 'share.left logged');
});

test("a link's viewer that never acks holds nothing back: the owner's command runs on, and the viewer still gets every byte once it acks", async () => {
  const [busy] = await openExec(app, shell);
  await waitFor(async () => (await sessionState(app, busy))?.state === 'interactive', 'the shell to connect', 15_000);
  const cookie = await claim(await share('viewer', busy));
  const viewer = await StreamClient.open(app, { autoAck: false, ...asLink(cookie) });
  await viewer.attach(busy, { ack: true });
  const owner = await StreamClient.open(app);
  await owner.attach(busy);
  // 389 KB of lines, six times the high watermark: a viewer counted in flow control would stop the command at 64 KiB
  owner.type(busy, 'seq 1 60000; echo DONE-$((6*7))\r');
  await owner.waitForText(busy, 'DONE-42', 30_000);
  // the owner's own acks for the last bytes may still be on their way: it, not the viewer, may hold a pause for a moment
  await waitFor(() => app.hub.stats(busy)?.paused === false, 'the exec to run unpaused with the viewer behind', 10_000);
  assert.ok(viewer.received(busy) < 400_000, `the viewer got ${viewer.received(busy)} bytes before it acked`);
  // it acks what it has: what it missed is still in the scrollback, so it comes as it came (no line lost)
  viewer.autoAck = true;
  viewer.send({ type: 'ack', sessionId: busy, bytes: viewer.received(busy) });
  await viewer.waitForText(busy, 'DONE-42', 30_000);
  assert.ok(viewer.text(busy).includes('\n59999\r\n60000\r\n'), 'the lines it missed reached it');
  await Promise.all([viewer.close(), owner.close()]);
  await call(app, `/api/v1/sessions/${busy}/close`, { body: {} });
});

test("a link's viewer that attaches without acks and stops reading its socket holds nothing back either: its writes stand for acks, and it is caught up", async () => {
  const [busy] = await openExec(app, shell);
  await waitFor(async () => (await sessionState(app, busy))?.state === 'interactive', 'the shell to connect', 15_000);
  const viewer = await StreamClient.open(app, { autoAck: false, ...asLink(await claim(await share('viewer', busy))) });
  await viewer.attach(busy, { ack: false });
  (viewer.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause(); // reads nothing more
  const owner = await StreamClient.open(app);
  await owner.attach(busy);
  // 8 MB: more than the kernel's socket buffers hold between the server and a reader that stopped (4 MiB at most here)
  owner.type(busy, 'yes | head -c 8000000; echo DONE-$((6*7))\r');
  await owner.waitForText(busy, 'DONE-42', 60_000);
  // the owner's own acks for the last bytes may still be on their way: it, not the viewer, may hold a pause for a moment
  await waitFor(() => app.hub.stats(busy)?.paused === false, 'the exec to run unpaused with the viewer behind', 10_000);
  // reading again, it gets the screen as it is now, with the end on it
  (viewer.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  await waitFor(() => `${viewer.screen(busy)}${viewer.text(busy)}`.includes('DONE-42'), 'the viewer caught up with the end', 20_000);
  await Promise.all([viewer.close(), owner.close()]);
  await call(app, `/api/v1/sessions/${busy}/close`, { body: {} });
});

test("a participant's end of input (Ctrl-D at the command line) is logged as their typing: it can end the owner's shell", async () => {
  const [ending] = await openExec(app, shell);
  await waitFor(async () => (await sessionState(app, ending))?.state === 'interactive', 'the shell to connect', 15_000);
  const link = await share('participant', ending);
  const participant = await StreamClient.open(app, asLink(await claim(link)));
  await participant.attach(ending);
  participant.send({ type: 'eof', sessionId: ending });
  await waitFor(async () => (await entries()).some((e) => e.type === 'share.typed' && e.shareId === link.id && e.who === 'link holder'), 'share.typed for the eof');
  await participant.close();
  await call(app, `/api/v1/sessions/${ending}/close`, { body: {} });
});

test('revoke and remove cut an open socket off at once, saying why; the cookie then opens nothing', async () => {
  for (const how of ['revoke', 'remove'] as const) {
    const link = await share('viewer');
    const cookie = await claim(link);
    const viewer = await StreamClient.open(app, asLink(cookie));
    await viewer.attach(terminal);
    const seen = viewer.messages.length;
    const res =
      how === 'revoke'
        ? await call(app, `/api/v1/sessions/${terminal}/shares/${link.id}`, { method: 'DELETE' })
        : await call(app, `/api/v1/sessions/${terminal}/shares/${link.id}/watchers`, { body: { who: 'link holder', remove: true } });
    assert.is(res.status, 200, res.body);
    // at once: well within a second
    const detached = await viewer.next('detached', (m) => m.sessionId === terminal, `${how}: detached`, seen, 1_000);
    assert.is(detached.reason, 'shareEnded');
    assert.match(detached.message ?? '', how === 'revoke' ? 'revoked' : 'removed you');
    // attaching again on that socket is told the same, not that the terminal does not exist
    const after = viewer.messages.length;
    viewer.send({ type: 'attach', sessionId: terminal, from: 0, ack: true });
    const again = await viewer.next('detached', (m) => m.sessionId === terminal, `${how}: attach again`, after);
    assert.equal([again.reason, again.message], ['shareEnded', detached.message]);
    assert.not.ok(viewer.messages.slice(after).some((m) => m.type === 'error'), JSON.stringify(viewer.messages.slice(after)));
    // nothing more reaches it
    const received = viewer.received(terminal);
    const owner = await StreamClient.open(app);
    await owner.attach(terminal);
    owner.type(terminal, `echo after-${how}\r`);
    await owner.waitForText(terminal, `after-${how}`);
    assert.is(viewer.received(terminal), received);
    const shared = await call(app, '/api/v1/shared', { token: null, cookie });
    assert.is(shared.status, 403);
    assert.match(shared.json.error.message, how === 'revoke' ? 'revoked' : 'removed you');
    const upgrade = await StreamClient.open(app, asLink(cookie)).then(() => 'opened', (error: Error) => error.message);
    assert.is(upgrade, 'upgrade refused: 403');
    await Promise.all([viewer.close(), owner.close()]);
  }
});

test('bad links: wrong or guessed secret, unknown id, a revoked link, the secret in a query, malformed bodies', async () => {
  const link = await share('viewer');
  const tries: [unknown, number][] = [
    [{ id: link.id, secret: `${link.secret}x` }, 401],
    [{ id: 'nosuchshare', secret: link.secret }, 401],
    [{ id: link.id }, 400],
    [{ id: '../x', secret: 'a' }, 400],
    [{ id: link.id, secret: 'x'.repeat(500) }, 400],
    ['not json', 400],
    [[], 400],
  ];
  for (const [body, status] of tries) {
    const res = await openLink(body);
    assert.is(res.status, status, `${JSON.stringify(body)}: ${res.body}`);
    assert.not.ok(res.body.includes(link.secret), 'the answer never repeats a secret');
  }
  assert.is((await call(app, `/api/v1/share-session?secret=${link.secret}`, { token: null, body: link })).status, 400);
  await call(app, `/api/v1/sessions/${terminal}/shares/${link.id}`, { method: 'DELETE' });
  const revoked = await openLink(link);
  assert.is(revoked.status, 410);
  assert.match(revoked.json.error.message, 'revoked');
  // no share cookie at all, or a made-up one: not let in
  assert.is((await call(app, '/api/v1/shared', { token: null })).status, 401);
  assert.is((await call(app, '/api/v1/shared', { token: null, cookie: `octant_exec_share_${link.id}=${link.secret}` })).status, 401);
});

test('making shares: bad bodies refused with what to send; another terminal\'s share id is not this one\'s', async () => {
  // a "who" that only the prototype has: nobody joined by that name, and nothing is logged of that
  // share (the tests before may still log a watcher as left meanwhile: only this share's are counted,
  // from the entry before it was made, so the count never runs past the page of entries read)
  const since = await newestSeq();
  const proto = await share('viewer');
  const ofProto = async () => ((await call(app, `/api/v1/events?after=${since}&limit=1000`)).json.entries as LogEntry[]).filter((entry) => (entry as { shareId?: string }).shareId === proto.id).length;
  const before = await ofProto();
  assert.is(before, 1, 'its share.created is counted');
  for (const who of ['__proto__', 'constructor', 'toString']) {
    const res = await call(app, `/api/v1/sessions/${terminal}/shares/${proto.id}/watchers`, { body: { who, remove: true } });
    assert.is(res.status, 400, `${who}: ${res.body}`);
  }
  assert.is(await ofProto(), before);
  assert.is(({} as Record<string, unknown>).removed, undefined);
  const bad: [unknown, RegExp][] = [
    [{ role: 'admin' }, /role must be "viewer"/],
    [{ role: 'viewer', expiresIn: 10 }, /expiresIn is in seconds, from 60 to 86400/],
    [{ role: 'viewer', expiresIn: 90_000 }, /from 60 to 86400/],
    [{ role: 'viewer', users: ['bob'] }, /Local mode has no signed-in people/],
    [{ role: 'viewer', extra: 1 }, /Unknown field "extra"/],
    ['[]', /The body must be/],
  ];
  for (const [body, message] of bad) {
    const res = await call(app, `/api/v1/sessions/${terminal}/shares`, { body });
    assert.is(res.status, 400, res.body);
    assert.match(res.json.error.message, message);
  }
  assert.is((await call(app, '/api/v1/sessions/nosuch/shares', { body: { role: 'viewer' } })).status, 404);
  const link = await share('viewer', other);
  assert.is((await call(app, `/api/v1/sessions/${terminal}/shares/${link.id}`, { method: 'DELETE' })).status, 404);
  const expiry = await call(app, `/api/v1/sessions/${terminal}/shares`, { body: { role: 'viewer' } });
  assert.ok(Math.abs(expiry.json.share.expiresAt - expiry.json.share.createdAt - 3_600_000) < 5_000, 'an hour by default');
});

test('a viewer follows the terminal\'s row: the owner\'s resize, then the run\'s end', async () => {
  const [short] = await openExec(app, shell);
  await waitFor(async () => (await sessionState(app, short))?.state === 'interactive', 'the shell to connect', 15_000);
  const viewer = await StreamClient.open(app, asLink(await claim(await share('viewer', short))));
  await viewer.attach(short);
  const owner = await StreamClient.open(app);
  await owner.attach(short);
  let seen = viewer.messages.length;
  owner.send({ type: 'resize', sessionId: short, cols: 91, rows: 17 });
  const resized = await viewer.next('session', (m) => m.session.sessionId === short && m.session.size?.cols === 91, 'the owner\'s size', seen);
  assert.equal(resized.session.size, { cols: 91, rows: 17 });
  seen = viewer.messages.length;
  owner.type(short, 'exit 4\r');
  const ended = await viewer.next('session', (m) => m.session.sessionId === short && m.session.state === 'exited', 'the ended state', seen, 15_000);
  assert.is(ended.session.exitCode, 4);
  // the owner's other terminal is none of its business
  assert.not.ok(viewer.messages.some((m) => m.type === 'session' && m.session.sessionId !== short), 'no other terminal\'s row');
  await call(app, `/api/v1/sessions/${short}/close`, { body: {} });
  await Promise.all([viewer.close(), owner.close()]);
});

test('a share of a terminal that ended shows its ended state; the terminal closed, the link opens nothing', async () => {
  const [short] = await openExec(app, shell);
  await waitFor(async () => (await sessionState(app, short))?.state === 'interactive', 'the shell to connect', 15_000);
  const cookie = await claim(await share('viewer', short));
  const owner = await StreamClient.open(app);
  await owner.attach(short);
  owner.type(short, 'exit 3\r');
  await waitFor(async () => (await sessionState(app, short))?.state === 'exited', 'the shell to exit', 15_000);
  const viewer = await StreamClient.open(app, asLink(cookie));
  const attached = await viewer.attach(short);
  assert.equal({ state: attached.session.state, exitCode: attached.session.exitCode, running: attached.running }, { state: 'exited', exitCode: 3, running: false });
  await call(app, `/api/v1/sessions/${short}/close`, { body: {} });
  await viewer.next('detached', (m) => m.sessionId === short && m.reason === 'closed', 'closed');
  assert.is((await call(app, '/api/v1/shared', { token: null, cookie })).status, 401);
  await Promise.all([viewer.close(), owner.close()]);
});

// last: it uses up the server's budget of link tries
test('guesses are limited: a burst of wrong secrets is answered 429 with when to try again', async () => {
  const answers = await Promise.all(Array.from({ length: 40 }, () => call(app, '/api/v1/share-session', { token: null, body: { id: 'guess', secret: 'guess' } })));
  const statuses = answers.map((r) => r.status);
  assert.ok(statuses.includes(429), `some refused as too many: ${statuses.join(' ')}`);
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(' '));
  // read from the burst itself: a try made after it may find a token refilled (one a second) on a slow machine
  for (const limited of answers.filter((r) => r.status === 429)) assert.is(limited.headers['retry-after'], '1');
});

test.run();
