// The page's state without a browser: the route in the address bar, the badge words of each
// terminal state, what a terminal runs in its tab's words (two of one name numbered), server
// messages folded into the store, notices kept until dismissed, the Inspector's replay, and what
// the reconnecting banner says of a server gone.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { SessionRow } from '../../src/events/projections/session-list.ts';
import { newestShown } from '../../ui/state/newest-first.ts';
import { PLAY_MAX_BYTES, READ_PAST_PLAY_MAX, tooLargeToPlay } from '../../ui/state/recordings.ts';
import { offReason, outageAfterConnection, outageAfterMessage, outageWords, signedOutWords, SILENT_FOR_MS, type Outage } from '../../ui/state/outage.ts';
import { applyConnection, applyServerMessage, badge, initialState, NEWER_SERVER, restartOffReason, runsTextWithMode, sessionsOfPod, tabName, type AppState } from '../../ui/state/app-state.ts';
import { splitCommandLine } from '../../src/domain/command-line.ts';
import { batchResultText } from '../../ui/state/batch-words.ts';
import { outcomeText } from '../../ui/state/audit.ts';
import { sessionListAt } from '../../ui/state/inspector-feed.ts';
import { readRoute, routeUrl } from '../../ui/state/route.ts';
import { openSafeLink } from '../../ui/terminal/safe-link.ts';
import { ordinalSuffix, ordinals, podTabTitle } from '../../ui/state/tab-titles.ts';
import { Actions } from '../../ui/state/actions.ts';
import { Store } from '../../ui/state/store.ts';
import { api, ApiError, type Api } from '../../ui/protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import { hello } from '../support/hello.ts';
import { sessionRow } from '../support/session-row.ts';

const row = sessionRow;

test('a recording too large for the page to hold is not fetched to play: it says so and points to Download', () => {
  assert.is(tooLargeToPlay(undefined), undefined, 'a recording still being written is tried');
  assert.is(tooLargeToPlay(PLAY_MAX_BYTES), undefined);
  assert.is(tooLargeToPlay(300 * 1024 * 1024), 'This recording is 300.0 MiB, too large to play in the page, which holds all of it (at most 128.0 MiB): download it (Download .cast) and play it with asciinema play.');
});

test("Play's read of a recording stops past the limit it is given: one still being written, or without a logged size, may be near --record-max-bytes (1 GiB)", async () => {
  assert.is(READ_PAST_PLAY_MAX, 'This recording is over 128.0 MiB, too large to play in the page, which holds all of it: download it (Download .cast) and play it with asciinema play.');
  const fetchWas = globalThis.fetch;
  const answer = (response: Response) => (globalThis.fetch = async () => response);
  const chunks = (...parts: Uint8Array[]) => new ReadableStream<Uint8Array>({ pull: (controller) => (parts.length ? controller.enqueue(parts.shift()!) : controller.close()) });
  try {
    // 100 KiB where 10 KiB are taken: the read ends there and the rest is not fetched
    let pulled = 0;
    let cancelled = false;
    const kib = new TextEncoder().encode('a'.repeat(1024));
    answer(new Response(new ReadableStream<Uint8Array>({ pull: (controller) => void (++pulled > 100 ? controller.close() : controller.enqueue(kib)), cancel: () => void (cancelled = true) })));
    const cast = await api.recording('t1', 1, 10 * 1024);
    assert.ok('tooLarge' in cast, `read all ${'text' in cast ? cast.text.length : 0} bytes`);
    assert.ok(cancelled && pulled < 100, `read on to chunk ${pulled}`);
    // within the limit: the whole cast, a character split between two chunks decoded whole, and its damage
    answer(new Response(chunks(new Uint8Array([0xe2]), new Uint8Array([0x82, 0xac, 0x0a])), { headers: { 'X-Recording-Damaged': 'cut at byte 4' } }));
    assert.equal(await api.recording('t1', 1, 4), { text: '€\n', damage: 'cut at byte 4' });
    // an error answer is still the server's sentence
    answer(new Response(JSON.stringify({ error: { message: 'No recording of run 1.' } }), { status: 404 }));
    const error = await api.recording('t1', 1, 4).catch((caught: unknown) => caught);
    assert.ok(error instanceof ApiError && error.status === 404 && error.message === 'No recording of run 1.', String(error));
  } finally {
    globalThis.fetch = fetchWas;
  }
});

test('the route survives a reload: page, namespace, pod and tab are in the address', () => {
  const url = routeUrl({ page: 'pods', namespace: 'batch', pod: 'worker-0', tab: 't3' });
  assert.is(url, '/?namespace=batch&pod=worker-0&tab=t3');
  const [pathname, search] = url.split('?');
  assert.equal(readRoute({ pathname, search: `?${search}` }), { page: 'pods', context: undefined, namespace: 'batch', pod: 'worker-0', tab: 't3' });
  assert.is(readRoute({ pathname: '/sessions', search: '' }).page, 'terminals');
  assert.is(readRoute({ pathname: '/inspector', search: '' }).page, 'inspector');
  assert.equal(readRoute({ pathname: '/embed', search: '?namespace=a&pod=b&mode=shell-all' }).mode, 'shell-all');
  assert.is(readRoute({ pathname: '/embed', search: '?namespace=a&pod=b&mode=rm' }).mode, undefined);
  // the embed's Terminals page stays at /embed (the only path that may be framed), keeping its pod
  assert.is(routeUrl({ page: 'embed', namespace: 'a', pod: 'b', view: 'terminals' }), '/embed?namespace=a&pod=b&view=terminals');
  assert.is(readRoute({ pathname: '/embed', search: '?namespace=a&pod=b&view=terminals' }).view, 'terminals');
  assert.is(readRoute({ pathname: '/sessions', search: '?view=terminals' }).view, undefined);
  assert.is(readRoute({ pathname: '/embed', search: '?namespace=a&pod=b&view=inspector' }).view, undefined);
});

test('badges mirror the terminal machine in the words of the issue', () => {
  const words = (over: Partial<SessionRow>) => badge(row(over)).text;
  assert.is(words({ state: 'connecting' }), 'connecting');
  assert.is(words({ state: 'interactive' }), 'live');
  assert.is(words({ state: 'idle' }), 'idle');
  assert.is(words({ state: 'timedOut' }), 'timed out');
  assert.match(badge(row({ state: 'timedOut', idleTimeoutMs: 300_000 })).detail!, /^No activity for 300 s: the exec was ended\. Restart to continue\.$/);
  assert.match(badge(row({ state: 'timedOut', idleTimeoutMs: 300_000, timeout: { cause: 'idle', afterMs: 60_000 } })).detail!, /^No activity for 60 s: /, 'the timeout that ended it');
  assert.is(badge(row({ state: 'timedOut', idleTimeoutMs: 300_000, timeout: { cause: 'deadline', afterMs: 1_000 } })).detail, 'Ran longer than its 1 s timeout: the command was ended. Restart to run it again.', "a batch's deadline is not idleness");
  assert.match(badge(row({ state: 'timedOut', idleTimeoutMs: 300_000, mode: { kind: 'attach' } })).detail!, /^No activity for 300 s: detached; the main process goes on\. Restart to attach again\.$/, 'an attach ends no process of its own');
  assert.match(badge(row({ state: 'timedOut', idleTimeoutMs: 300_000, mode: { kind: 'debug', image: 'busybox:1.36' } })).detail!, /: the shell was ended; its debug container stays in the pod\. Restart opens a new shell in it\.$/, 'ephemeral containers stay');
  const timedOutCopy = row({ state: 'timedOut', idleTimeoutMs: 300_000, mode: { kind: 'copy', source: 'web' }, target: { namespace: 'default', pod: 'web-debug-x2k4p', container: 'nginx' } });
  assert.match(badge(timedOutCopy).detail!, /: the exec was ended and the copy web-debug-x2k4p deleted\. Open a new Debug copy to go on\.$/, 'the server deletes a copy when its terminal times out');
  assert.is(restartOffReason(initialState({ page: 'pods', namespace: 'default', pod: 'web' }), timedOutCopy), 'The copy web-debug-x2k4p was deleted when this terminal timed out: open a new Debug copy.', 'so Restart is off, saying why');
  assert.is(restartOffReason(initialState({ page: 'pods', namespace: 'default', pod: 'web' }), { ...timedOutCopy, state: 'exited', exitCode: 0 }), undefined, 'an exit keeps the copy: Restart runs in it again');
  assert.is(words({ state: 'disconnected' }), 'disconnected');
  assert.is(words({ state: 'exited', exitCode: 42 }), 'exited 42');
  const failed = badge(row({ state: 'failed', failure: { reason: 'forbidden', message: 'needs create on pods/exec' } }));
  assert.equal([failed.text, failed.detail], ['failed', 'needs create on pods/exec']);
  const stopped = badge(row({ state: 'stopped', stopReason: 'batchCancelled', requestId: 'b4' }));
  assert.equal([stopped.text, stopped.detail], ['stopped', 'Its batch b4 was cancelled: the command was ended. Restart to run it again.'], 'a cancelled batch run: why, and what to do');
  const ended = badge(row({ state: 'stopped', stopReason: 'endedByAdmin', stoppedBy: 'carol' }));
  assert.equal([ended.text, ended.detail], ['stopped', 'Ended by carol, an admin of octant-exec: the command was ended. Its output is kept.'], 'an admin ended it: who');
  assert.is(tabName(row({ label: 'sh -c exit 42' })), 'nginx: sh -c exit 42');
  // a state from a newer server (a page left open across an upgrade): its word, and to reload, not a crash
  const newer = badge(row({ state: 'paused' as SessionRow['state'] }));
  assert.equal([newer.text, newer.detail], ['paused', NEWER_SERVER]);
  assert.equal(batchResultText({ state: 'parked' } as unknown as Parameters<typeof batchResultText>[0]), { text: 'parked', tone: 'quiet' });
  assert.is(outcomeText({ outcome: { kind: 'parked' } } as unknown as Parameters<typeof outcomeText>[0]), 'parked');
});

test('a tab names a command as it would be typed: the quoting that keeps a word whole stays, and splits back into the same argv', () => {
  const typed = `sh -c "echo a b" "it's" ''`;
  const { argv } = splitCommandLine(typed) as { argv: string[] };
  // the label the server's list gives it joins the words with spaces, as 0.1.0 showed it
  const name = tabName(row({ command: { argv }, label: argv.join(' ') }));
  assert.is(name, `nginx: sh -c 'echo a b' 'it'\\''s' ''`);
  assert.equal(splitCommandLine(name.slice('nginx: '.length)), { argv });
  assert.is(tabName(row({ command: { argv: ['top', '-d', '30'] }, label: 'top -d 30' })), 'nginx: top -d 30', 'nothing to quote: as typed');
  assert.is(tabName(row({ command: { shell: 'auto' }, label: 'shell' })), 'nginx: shell');
  assert.is(tabName(row({ command: { argv: ['sh', '-c', 'x y'] }, label: 'sh -c x y', mode: { kind: 'copy', source: 'crashloop' } })), `nginx: COPY of crashloop: sh -c 'x y'`);
});

test('what runs says what its tab says: an attach (no command of its own) joins the main process, a debug or copy shell says so', () => {
  const attach = row({ target: { namespace: 'default', pod: 'console', container: 'console' }, command: { argv: [] }, label: '', argv: [], mode: { kind: 'attach' } });
  assert.is(tabName(attach), 'console: Attach');
  assert.is(runsTextWithMode(attach), 'Attach to the main process');
  const debug = row({ target: { namespace: 'default', pod: 'distroless-app', container: 'app' }, command: { shell: 'sh' }, label: 'sh', argv: ['sh'], mode: { kind: 'debug', image: 'busybox:1.36' } });
  assert.is(runsTextWithMode(debug), 'Debug busybox:1.36 → app: sh');
  const copy = row({ target: { namespace: 'default', pod: 'crashloop-debug-x1y2z', container: 'app' }, argv: ['bash'], mode: { kind: 'copy', source: 'crashloop' } });
  assert.is(runsTextWithMode(copy), 'COPY of crashloop: bash', 'the shell it found, not "shell"');
  assert.is(runsTextWithMode(row({ argv: ['top', '-d', '30'] })), 'top -d 30', 'a plain exec: its command alone');
});

test('once octant-exec no longer accepts the page, its running terminals show disconnected with why, and Restart is off; ended ones keep how they ended', () => {
  let state = initialState({ page: 'pods', namespace: 'default', pod: 'web' });
  const live = row({ sessionId: 't1' });
  const idle = row({ sessionId: 't2', state: 'idle' });
  const exited = row({ sessionId: 't3', state: 'exited', exitCode: 0 });
  state = { ...state, sessions: { order: ['t1', 't2', 't3'], byId: { t1: live, t2: idle, t3: exited } } };
  assert.equal(applyConnection(state, 'reconnecting'), { connection: 'reconnecting' }, 'reconnecting: they may well still run');
  state = { ...state, ...applyConnection(state, 'signedOut') };
  assert.is(state.connection, 'signedOut');
  assert.equal(state.sessions.order, ['t1', 't2', 't3']);
  for (const id of ['t1', 't2']) {
    const b = badge(state.sessions.byId[id]);
    assert.equal([b.text, b.tone], ['disconnected', 'warn'], id);
    assert.match(b.detail ?? '', /no longer signed in to octant-exec/, id);
  }
  assert.is(state.sessions.byId.t3, exited);
  // Restart is off as every button that asks the server is (focusable: aria-disabled), saying why
  assert.is(restartOffReason(state, state.sessions.byId.t1), undefined);
  assert.match(offReason(state.connection) ?? '', /^octant-exec no longer takes this page/);
});

test('alerts arrive after the first list: those at load are old news; a reconnect brings the ones raised meanwhile; a retired one is forgotten', () => {
  let state = initialState({ page: 'pods', namespace: 'default' });
  const apply = (message: Parameters<typeof applyServerMessage>[1]) => (state = { ...state, ...applyServerMessage(state, message) });
  const alert = (id: number) => ({ id, sessionId: `t${id}`, kind: 'timedOut' as const, message: `timed out ${id}`, at: id });
  assert.is(state.arrivedAlerts, undefined);
  apply(hello({ alerts: [alert(1), alert(2)] }));
  assert.equal(state.arrivedAlerts, [], 'present at load');
  apply({ type: 'alerts', alerts: [alert(1), alert(2), alert(3)] });
  assert.equal(state.arrivedAlerts, [3]);
  apply(hello({ alerts: [alert(1), alert(2), alert(3), alert(4)] }));
  assert.equal(state.arrivedAlerts, [3, 4], "a reconnect's hello: the one raised while the socket was down");
  apply({ type: 'alerts', alerts: [alert(1), alert(4)] });
  assert.equal(state.arrivedAlerts, [4], 'retired (a restart): gone');
});

test('server messages fold into the store: sessions come and go, pods follow the namespace shown', () => {
  let state = initialState({ page: 'pods', namespace: 'default', pod: 'web' });
  const apply = (message: Parameters<typeof applyServerMessage>[1]) => (state = { ...state, ...applyServerMessage(state, message) });
  apply(hello({ sessions: [row({})] }));
  apply({ type: 'session', session: row({ sessionId: 't2', state: 'exited', exitCode: 0 }) });
  apply({ type: 'session', session: row({ state: 'idle' }) });
  assert.equal(state.sessions.order, ['t1', 't2']);
  assert.is(state.sessions.byId.t1.state, 'idle');
  apply({ type: 'sessionClosed', sessionId: 't1' });
  assert.equal(state.sessions.order, ['t2']);
  const web = { namespace: 'default', name: 'web', phase: 'Running', status: 'Running', labels: {}, containers: [], ready: { ready: 0, total: 0 } };
  apply({ type: 'pods', namespace: 'other', pods: [{ ...web, namespace: 'other' }] });
  assert.is(state.pods.loaded, false, 'another namespace is ignored');
  state = { ...state, pod: { namespace: 'default', name: 'web' } };
  apply({ type: 'pods', namespace: 'default', pods: [web] });
  assert.equal(state.pods.list, [web]);
  assert.equal(state.pod?.view, web, 'the pod view takes its pod from the live list');
});

test('a shown pod missing from a new list is gone: the view says not found and its terminals cannot restart, until a list has it again', () => {
  let state = initialState({ page: 'pods', namespace: 'default', pod: 'web' });
  const apply = (message: Parameters<typeof applyServerMessage>[1]) => (state = { ...state, ...applyServerMessage(state, message) });
  const web = { namespace: 'default', name: 'web', phase: 'Running', status: 'Running', labels: {}, containers: [], ready: { ready: 0, total: 0 } };
  const other = { ...web, name: 'other' };
  const shell = row({ state: 'disconnected', disconnectReason: 'podDeleted' });
  state = { ...state, pod: { namespace: 'default', name: 'web' } };
  apply({ type: 'pods', namespace: 'default', pods: [web, other] });
  assert.is(restartOffReason(state, shell), undefined, 'a pod still there: Restart stays on');
  apply({ type: 'pods', namespace: 'default', pods: [other] });
  assert.is(state.pod?.view, undefined, 'no view: Shell and Exec are off');
  assert.match(state.pod?.error ?? '', /^Not found in namespace "default"/);
  assert.match(restartOffReason(state, shell) ?? '', /web/);
  assert.is(restartOffReason(state, row({ target: { namespace: 'default', pod: 'other', container: 'nginx' } })), undefined, 'another pod\'s terminal restarts');
  assert.is(restartOffReason(state, { ...shell, target: { ...shell.target, context: 'west' } }), undefined, 'the same name in another cluster restarts');
  apply({ type: 'pods', namespace: 'default', pods: [other, web] });
  assert.equal([state.pod?.view, state.pod?.error, restartOffReason(state, shell)], [web, undefined, undefined], 'made anew (a StatefulSet): back');
});

test('tabs are keyed by kube context too: the same namespace and pod in two clusters are two pod views', () => {
  // the server's current context is "east"; a row without a context runs there
  const state: AppState = { ...initialState({ page: 'pods', namespace: 'default', pod: 'web' }), info: { context: 'east' } as AppState['info'] };
  const inEast = row({ sessionId: 'e1', target: { context: 'east', namespace: 'default', pod: 'web', container: 'nginx' } });
  const inWest = row({ sessionId: 'w1', target: { context: 'west', namespace: 'default', pod: 'web', container: 'nginx' } });
  const current = row({ sessionId: 'c1' });
  state.sessions = { order: ['e1', 'w1', 'c1'], byId: { e1: inEast, w1: inWest, c1: current } };
  const ids = (context: string | undefined) => sessionsOfPod(state, { context, namespace: 'default', pod: 'web' }).map((r) => r.sessionId);
  assert.equal(ids('west'), ['w1']);
  assert.equal(ids('east'), ['e1', 'c1']);
  assert.equal(ids(undefined), ['e1', 'c1'], 'no context on either side is the current one');
  assert.equal(sessionsOfPod(state, inWest.target).map((r) => r.sessionId), ['w1'], 'closing a tab picks its neighbour in its own cluster');
});

test('two tabs of one name are told apart by their order of opening: "nginx: shell (2)", in the tab bar and the alerts alike', () => {
  const state = initialState({ page: 'pods', namespace: 'default', pod: 'web' });
  const rows = [
    row({ sessionId: 't1' }),
    row({ sessionId: 't2', target: { namespace: 'default', pod: 'web', container: 'sidecar' } }),
    row({ sessionId: 't3' }),
    row({ sessionId: 't4', target: { namespace: 'default', pod: 'other', container: 'nginx' } }),
    row({ sessionId: 't5' }),
  ];
  state.sessions = { order: rows.map((r) => r.sessionId), byId: Object.fromEntries(rows.map((r) => [r.sessionId, r])) };
  const titles = rows.map((r) => podTabTitle(state, r));
  assert.equal(titles, ['nginx: shell', 'sidecar: shell', 'nginx: shell (2)', 'nginx: shell', 'nginx: shell (3)'], 'another pod, another tab bar: counted apart');
  assert.equal(ordinals(rows.slice(2), tabName), { t3: 1, t4: 2, t5: 3 }, 'numbered among the tabs given, in their order');
  assert.equal([ordinalSuffix(1), ordinalSuffix(2), ordinalSuffix(undefined)], ['', ' (2)', '']);
});

test('notices are kept until dismissed, however many come (the alerts view shows the newest and counts the rest)', () => {
  const socket = { onMessage: () => () => {}, onState: () => () => {} } as unknown as SocketClient;
  const store = new Store(initialState({ page: 'pods', namespace: 'default' }));
  const actions = new Actions({ api: {} as Api, socket, store, history: { pushState: () => {}, replaceState: () => {} } });
  for (let i = 1; i <= 7; i++) actions.notify(`refused ${i}`, 'Exec in web');
  assert.equal(
    store.get().notices.map((n) => n.message),
    [1, 2, 3, 4, 5, 6, 7].map((i) => `refused ${i}`),
  );
});

test('the Inspector replays the session list as it was at any event', () => {
  const target = { namespace: 'default', pod: 'web', container: 'nginx' };
  const entries = [
    { seq: 1, time: 10, type: 'session.spawned', sessionId: 't1', requestId: 'r1', target, command: { shell: 'auto' }, interactive: true, requestedBy: 'me', idleTimeoutMs: 1000 },
    { seq: 2, time: 11, type: 'session.connected', sessionId: 't1', protocol: 'v5' },
    { seq: 3, time: 12, type: 'session.exited', sessionId: 't1', code: 42 },
    { seq: 4, time: 13, type: 'session.closed', sessionId: 't1' },
  ] as unknown as LogEntry[];
  assert.is(sessionListAt(entries, 1).byId.t1.state, 'connecting');
  assert.is(sessionListAt(entries, 2).byId.t1.state, 'interactive');
  assert.is(sessionListAt(entries, 3).byId.t1.exitCode, 42);
  assert.equal(sessionListAt(entries, 4).order, []);
});

test('links from terminal output open only for http(s), in a new tab without an opener', () => {
  const opened: string[][] = [];
  const open = (...args: string[]) => opened.push(args);
  for (const uri of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd', 'vbscript:x', 'not a url']) assert.is(openSafeLink(uri, open), false, uri);
  assert.equal(opened, []);
  assert.ok(openSafeLink('https://example.com/a?b=c', open));
  assert.ok(openSafeLink('HTTP://example.com', open));
  assert.equal(opened, [
    ['https://example.com/a?b=c', '_blank', 'noopener,noreferrer'],
    ['http://example.com/', '_blank', 'noopener,noreferrer'],
  ]);
});

test('the newest five of alerts and notices show, by when each came: a fresh alert is never hidden behind older notices', () => {
  const notices = [1, 2, 3, 4, 5].map((at) => ({ key: `n${at}`, at }));
  const { ordered, hidden } = newestShown([{ key: 'timeout', at: 9 }, ...notices], 5);
  assert.equal(ordered.slice(hidden).map((item) => item.key), ['n2', 'n3', 'n4', 'n5', 'timeout']);
  assert.equal(newestShown([{ key: 'a', at: 1 }, { key: 'b', at: 1 }], 5), { ordered: [{ key: 'a', at: 1 }, { key: 'b', at: 1 }], hidden: 0 }, 'equals keep their order');
});

test('the reconnecting banner says octant-exec stopped when its terminals ended with serverShutdown just before the drop, or once reconnects went unanswered for long', () => {
  const stopped = row({ state: 'disconnected', disconnectReason: 'serverShutdown' });
  const after = (outage: Outage | undefined, change: { outage: Outage | undefined } | undefined) => (change ? change.outage : outage);
  // a drop alone: reconnecting, until it has lasted SILENT_FOR_MS
  let outage = after(undefined, outageAfterConnection(undefined, 'reconnecting', 1_000));
  assert.equal(outageWords(outage, 1_000 + SILENT_FOR_MS - 1, false), { text: 'Connection to octant-exec lost: reconnecting… Terminals keep running on the server unless it was stopped.', stopped: false });
  assert.match(outageWords(outage, 1_000 + SILENT_FOR_MS, false).text, /has not answered for 30 seconds: it seems to have stopped.*When it is started again, open the URL it prints\.$/);
  assert.is(outageAfterConnection(outage, 'open', 50_000)?.outage, undefined, 'a hello ends it');
  // the server ended the terminal as it stopped, then the socket dropped: said at once
  outage = after(undefined, outageAfterMessage(undefined, { type: 'session', session: stopped }, 5_000));
  outage = after(outage, outageAfterConnection(outage, 'reconnecting', 5_001));
  assert.equal(outageWords(outage, 5_001, false), { text: 'octant-exec was stopped, and its terminals ended with it. When it is started again, open the URL it prints.', stopped: true });
  // another replica stopped long before this page's socket dropped: a drop like any other
  outage = after(undefined, outageAfterMessage(undefined, { type: 'session', session: stopped }, 5_000));
  outage = after(outage, outageAfterConnection(outage, 'reconnecting', 60_000));
  assert.is(outageWords(outage, 60_000, false).stopped, false);
  assert.is(outageAfterMessage(undefined, { type: 'session', session: row({ state: 'disconnected', disconnectReason: 'streamDropped' }) }, 1), undefined, 'a stream dropped is no stop');
});

test("in a team mode the banner waits for 30 s of silence whatever ended a terminal (another replica's stop in a rolling update), and points to no printed URL", () => {
  const stopped = row({ state: 'disconnected', disconnectReason: 'serverShutdown' });
  const after = (outage: Outage | undefined, change: { outage: Outage | undefined } | undefined) => (change ? change.outage : outage);
  // replica A stops (its terminal's row reaches this page on B); 6 s later the rollout replaces B
  let outage = after(undefined, outageAfterMessage(undefined, { type: 'session', session: stopped }, 5_000));
  outage = after(outage, outageAfterConnection(outage, 'reconnecting', 11_000));
  assert.equal(outageWords(outage, 11_100, true), { text: 'Connection to octant-exec lost: reconnecting… Terminals keep running on the server unless it was stopped.', stopped: false });
  assert.equal(outageWords(outage, 11_000 + SILENT_FOR_MS, true), { text: 'octant-exec has not answered for 30 seconds: it seems to have stopped. Reload this page once it is back.', stopped: true });
});

test('signed out: the banner says an administrator did when the socket was closed for that, offers a sign-in again in a team mode, and the printed URL in local mode', () => {
  const state = initialState({ page: 'pods', namespace: 'default', pod: 'web' });
  const because = applyConnection(state, 'signedOut', 'signed out by an admin').signedOutBecause;
  assert.is(because, 'signed out by an admin');
  assert.equal(signedOutWords(true, because), { text: 'An administrator of octant-exec signed you out: this page no longer reaches your terminals.', signInAgain: true });
  for (const other of [undefined, 'signed out'])
    assert.equal(signedOutWords(true, other), { text: 'Your sign-in has ended (signed out, expired, or octant-exec restarted): this page no longer reaches your terminals.', signInAgain: true }, String(other));
  assert.equal(signedOutWords(false, undefined), { text: 'octant-exec no longer accepts this page (was it restarted?): open the URL it printed.', signInAgain: false });
});

test.run();
