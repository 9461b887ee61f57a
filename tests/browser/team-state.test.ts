// Team mode in the page's state, without a browser: the permission question asked once per
// namespace shown (and never in local mode), exec actions off only on the cluster's "no";
// terminals of someone else only watched; sign-out to the server's own address, then on to the
// identity provider's end-session page when the server names one; the Audit
// page's filters, words and JSON Lines export.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { AuditRecord, PermissionsReply, ServerInfo, SessionRow, SignedIn } from '../../src/protocol/index.ts';
import { Actions } from '../../ui/state/actions.ts';
import { applyServerMessage, initialState, type AppState } from '../../ui/state/app-state.ts';
import { auditChoices, exportFileName, filterAudit, newestFirst, NO_AUDIT_FILTER, outcomeText, toJsonLines } from '../../ui/state/audit.ts';
import { readRoute, routeUrl, type Route } from '../../ui/state/route.ts';
import { Store } from '../../ui/state/store.ts';
import { execPermission, isWatched, mayInspect, permissionKey, watchedOwner } from '../../ui/state/team.ts';
import { afterSignOut, ApiError, isOwnPath, type Api } from '../../ui/protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import { waitFor } from '../support/wait.ts';
import { sessionRow } from '../support/session-row.ts';

const alice: SignedIn = { mode: 'proxy', user: 'alice', groups: ['dev'], admin: false, signOut: '/api/v1/session/sign-out' };
const carol: SignedIn = { mode: 'oidc', user: 'carol', groups: ['octant-admins'], admin: true, signOut: '/auth/logout' };

const info = (signedIn: SignedIn | null): ServerInfo => ({
  cluster: 'kubeconfig',
  context: 'prod',
  user: 'octant-exec',
  socket: '/api/v1/stream',
  idleTimeoutSeconds: 300,
  maxSessions: 64,
  maxSessionsPerPerson: signedIn ? 16 : null,
  maxEndedPerPerson: 200,
  sandboxIsolation: null,
  debugImages: ['busybox:1.36'],
  uiBuilt: true,
  limits: { maxPayload: 1, scrollbackBytes: 1, highWatermark: 1, lowWatermark: 1, pingIntervalMs: 1, messagesPerSecond: 1, inputBytesPerSecond: 1, maxTerminalSize: 1 },
  recording: { mode: 'opt-in', input: false, maxBytes: 1 },
  signedIn,
});

const row = (over: Partial<SessionRow>): SessionRow => sessionRow({ requestedBy: 'octant-exec', person: { user: 'alice', groups: ['dev'] }, ...over });

const stateWith = (signedIn: SignedIn | null, over: Partial<AppState> = {}): AppState => ({ ...initialState({ page: 'pods', namespace: 'default', pod: 'web' }), info: info(signedIn), ...over });

/** The page's actions over a scripted server: every call recorded, answers as the test says. */
function harness(signedIn: SignedIn | null, route: Route, answers: { permissions?: (namespace: string) => PermissionsReply | Error; signOut?: () => unknown } = {}) {
  const calls: string[] = [];
  const left: string[] = [];
  const api = {
    info: async () => info(signedIn),
    contexts: async () => [],
    namespaces: async () => [],
    pods: async () => [],
    pod: async () => {
      throw new ApiError(404, 'no pod');
    },
    permissions: async (namespace: string, context?: string) => {
      calls.push(`permissions ${context ?? '-'} ${namespace}`);
      const answer = answers.permissions?.(namespace) ?? { namespace, exec: { allowed: true, reason: '' } };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    signOut: async (url: string) => {
      calls.push(`signOut ${url}`);
      return answers.signOut?.();
    },
    audit: async () => {
      calls.push('audit');
      return [record({})];
    },
  } as unknown as Api;
  const socket = { onMessage: () => () => {}, onState: () => () => {}, connect: () => {}, close: () => calls.push('socket closed'), watchPods: () => {}, unwatchPods: () => {} } as unknown as SocketClient;
  const store = new Store(initialState(route));
  const actions = new Actions({ api, socket, store, history: { pushState: () => {}, replaceState: () => {} }, leave: (url) => left.push(url) });
  return { actions, store, calls, left };
}

const record = (over: Partial<AuditRecord>): AuditRecord => ({
  requestId: 'r1',
  sessionId: 't1',
  run: 1,
  who: 'octant-exec',
  person: { user: 'alice', groups: ['dev'] },
  target: { namespace: 'default', pod: 'web', container: 'nginx' },
  argv: ['bash'],
  interactive: true,
  startedAt: Date.UTC(2026, 0, 31, 12),
  endedAt: Date.UTC(2026, 0, 31, 12, 5),
  outcome: { kind: 'exited', code: 0 },
  ...over,
});

test('the Audit page lives at /audit', () => {
  assert.is(routeUrl({ page: 'audit', namespace: 'default', pod: 'web' }), '/audit');
  assert.is(readRoute({ pathname: '/audit', search: '' }).page, 'audit');
  assert.is(readRoute({ pathname: '/audit/', search: '' }).page, 'audit');
  assert.is(readRoute({ pathname: '/nowhere', search: '' }).page, 'pods');
});

test('exec actions are off only where the cluster said no; on while unknown, and when the question failed', () => {
  const here = permissionKey('default');
  assert.equal(execPermission(stateWith(alice)), { allowed: true }, 'nothing known yet');
  const denied = { exec: { allowed: false, reason: 'RBAC: alice may not create pods/exec in namespace default' }, loading: false };
  assert.equal(execPermission(stateWith(alice, { permissions: { [here]: denied } })), { allowed: false, reason: denied.exec.reason });
  assert.equal(execPermission(stateWith(alice, { permissions: { [here]: { ...denied, loading: true } } })).allowed, false, 'a known "no" holds while asking again');
  assert.equal(execPermission(stateWith(alice, { permissions: { [here]: { loading: false, error: 'The server answered 500.' } } })), { allowed: true });
  assert.equal(execPermission(stateWith(alice, { permissions: { [permissionKey('batch')]: denied } })), { allowed: true }, "another namespace's answer does not count");
  assert.equal(execPermission(stateWith(alice, { permissions: { [permissionKey('default', 'staging')]: denied } })), { allowed: true }, "another context's answer does not count");
  const noReason = execPermission(stateWith(alice, { permissions: { [here]: { exec: { allowed: false, reason: '' }, loading: false } } }));
  assert.equal(noReason, { allowed: false, reason: 'You may not create pods/exec in namespace default.' });
});

test('someone else\'s terminal is only watched; your own and every terminal in local mode are yours', () => {
  assert.is(watchedOwner(stateWith(null), row({})), undefined, 'local mode: one person owns everything');
  assert.is(watchedOwner(stateWith(alice), row({})), undefined, "alice's own");
  assert.is(watchedOwner(stateWith(carol), row({})), 'alice', 'carol (admin) watches alice');
  assert.is(watchedOwner(stateWith(carol), row({ person: undefined, requestedBy: 'kubernetes-admin' })), 'kubernetes-admin', 'started in local mode: nobody owns it in a team mode');
  assert.ok(isWatched(stateWith(carol), row({})));
  assert.ok(mayInspect(stateWith(null)) && mayInspect(stateWith(carol)) && !mayInspect(stateWith(alice)), 'the event log: local mode and admins');
});

test("the server's readOnly error makes a terminal watched, until it is closed", () => {
  let state = stateWith(null);
  const apply = (message: Parameters<typeof applyServerMessage>[1]) => (state = { ...state, ...applyServerMessage(state, message) });
  apply({ type: 'session', session: row({ person: undefined }) });
  assert.not.ok(isWatched(state, row({ person: undefined })));
  apply({ type: 'error', code: 'readOnly', message: "You are watching alice's terminal: it is read-only.", sessionId: 't1' });
  apply({ type: 'error', code: 'readOnly', message: 'again', sessionId: 't1' });
  assert.equal(state.readOnly, ['t1']);
  assert.ok(isWatched(state, row({ person: undefined })));
  apply({ type: 'error', code: 'readOnly', message: 'no session named' });
  assert.equal(state.readOnly, ['t1'], 'an error without a session changes nothing');
  apply({ type: 'sessionClosed', sessionId: 't1' });
  assert.equal(state.readOnly, []);
});

test('team mode asks for permissions once per namespace shown, again on another namespace or context', async () => {
  const { actions, store, calls } = harness(alice, { page: 'pods', namespace: 'default' }, { permissions: (ns) => ({ namespace: ns, exec: ns === 'default' ? { allowed: false, reason: 'no create on pods/exec' } : { allowed: true, reason: '' } }) });
  await actions.start(undefined);
  assert.equal(calls, ['permissions - default']);
  await waitFor(() => store.get().permissions[permissionKey('default')]?.exec, 'the answer for default');
  assert.equal(execPermission(store.get()), { allowed: false, reason: 'no create on pods/exec' });
  actions.navigate({ pod: 'web' });
  actions.navigate({ page: 'terminals' });
  actions.navigate({ page: 'pods', pod: undefined });
  assert.equal(calls, ['permissions - default'], 'the same namespace: the kept answer');
  actions.navigate({ namespace: 'batch' });
  actions.navigate({ context: 'staging' });
  assert.equal(calls, ['permissions - default', 'permissions - batch', 'permissions staging batch']);
  await waitFor(() => store.get().permissions[permissionKey('batch', 'staging')]?.exec, 'the answer for staging/batch');
  assert.equal(execPermission(store.get()), { allowed: true });
});

test('a failed permission question leaves the actions on', async () => {
  const { actions, store } = harness(alice, { page: 'pods', namespace: 'default' }, { permissions: () => new ApiError(500, 'The cluster did not answer.') });
  await actions.start(undefined);
  const error = await waitFor(() => store.get().permissions[permissionKey('default')]?.error, 'the failure');
  assert.is(error, 'The cluster did not answer.');
  assert.equal(execPermission(store.get()), { allowed: true });
});

test('local mode never asks: the server would answer "allowed" without asking the cluster', async () => {
  const { actions, store, calls } = harness(null, { page: 'pods', namespace: 'default' });
  await actions.start(undefined);
  actions.navigate({ namespace: 'batch' });
  assert.equal(calls, []);
  assert.equal(store.get().permissions, {});
});

test('sign out posts to the address the server named, closes the socket, and starts over at /', async () => {
  const { actions, calls, left } = harness(alice, { page: 'pods', namespace: 'default' });
  await actions.start(undefined);
  await actions.signOut();
  assert.equal(calls.slice(1), ['signOut /api/v1/session/sign-out', 'socket closed']);
  assert.equal(left, ['/']);
});

test("sign out goes on to the provider's end-session page the server names (OIDC), and only to an http(s) one", async () => {
  const end = 'https://issuer.example/session/end?client_id=octant-exec';
  const { actions, calls, left } = harness(carol, { page: 'pods', namespace: 'default' }, { signOut: () => ({ signedOut: true, next: end }) });
  await actions.start(undefined);
  await actions.signOut();
  assert.equal(calls.slice(1), ['signOut /auth/logout', 'socket closed']);
  assert.equal(left, [end]);
  assert.is(afterSignOut(null), '/');
  assert.is(afterSignOut(undefined), '/');
  for (const next of ['javascript:alert(1)', 'data:text/html,hi', 'not a url', '', 42]) assert.is(afterSignOut(next), '/', String(next));
  assert.is(afterSignOut('http://127.0.0.1:9/session/end'), 'http://127.0.0.1:9/session/end');
});

test('a refused sign-out stays on the page with a notice', async () => {
  const { actions, store, left } = harness(carol, { page: 'terminals', namespace: 'default' }, {
    signOut: () => {
      throw new ApiError(403, 'Cross-site request refused.');
    },
  });
  await actions.start(undefined);
  await actions.signOut();
  assert.equal(left, []);
  assert.equal(
    store.get().notices.map((n) => `${n.title}: ${n.message}`),
    ['Sign out: Cross-site request refused.'],
  );
});

test('sign-out goes only to a path of this server', () => {
  for (const url of ['/api/v1/session/sign-out', '/logout?x=1']) assert.ok(isOwnPath(url), url);
  for (const url of ['//evil.example/logout', '/\\evil.example', 'https://evil.example/logout', 'javascript:alert(1)', '']) assert.not.ok(isOwnPath(url), url);
});

test('the Audit page loads the trail when shown, and keeps its filters', async () => {
  const { actions, store, calls } = harness(carol, { page: 'audit', namespace: 'default' });
  await actions.start(undefined);
  await waitFor(() => store.get().audit.loaded, 'the audit trail');
  assert.equal(calls, ['audit']);
  assert.is(store.get().audit.records.length, 1);
  actions.setAuditFilter({ person: 'alice' });
  actions.setAuditFilter({ outcome: 'refused' });
  assert.equal(store.get().audit.filter, { person: 'alice', pod: '', outcome: 'refused' });
});

test('audit filters by person, pod and outcome; the words of each outcome', () => {
  const records = [
    record({ requestId: 'r1' }),
    record({ requestId: 'r2', person: { user: 'bob', groups: ['viewers'] }, target: { namespace: 'batch', pod: 'worker-0' }, outcome: { kind: 'refused', message: 'bob may not create pods/exec' } }),
    record({ requestId: 'r3', person: undefined, who: 'kubernetes-admin', outcome: undefined, endedAt: undefined, startedAt: Date.UTC(2026, 0, 31, 13) }),
    record({ requestId: 'r4', target: { namespace: 'batch', pod: 'worker-0', container: 'main' }, outcome: { kind: 'exited', code: 42 } }),
  ];
  const ids = (filter: Partial<typeof NO_AUDIT_FILTER>) => filterAudit(records, { ...NO_AUDIT_FILTER, ...filter }).map((r) => r.requestId);
  assert.equal(ids({}), ['r1', 'r2', 'r3', 'r4']);
  assert.equal(ids({ person: 'alice' }), ['r1', 'r4']);
  assert.equal(ids({ person: 'kubernetes-admin' }), ['r3'], 'a local-mode run is named by its kube user');
  assert.equal(ids({ pod: 'batch/worker-0' }), ['r2', 'r4']);
  assert.equal(ids({ outcome: 'running' }), ['r3']);
  assert.equal(ids({ person: 'alice', pod: 'batch/worker-0', outcome: 'exited' }), ['r4']);
  assert.equal(auditChoices(records), { people: ['alice', 'bob', 'kubernetes-admin'], pods: ['batch/worker-0', 'default/web'] });
  assert.equal(
    records.map(outcomeText),
    ['exited 0', 'refused: bob may not create pods/exec', 'running', 'exited 42'],
  );
  assert.is(outcomeText(record({ outcome: { kind: 'failed', reason: 'commandNotFound', message: 'tried bash, sh' } })), 'failed: tried bash, sh');
  assert.is(outcomeText(record({ outcome: { kind: 'disconnected', reason: 'podDeleted' } })), 'disconnected: podDeleted');
  assert.is(outcomeText(record({ outcome: { kind: 'stopped', because: 'batchCancelled' } })), 'stopped: its batch was cancelled');
  assert.is(outcomeText(record({ outcome: { kind: 'stopped', because: 'endedByAdmin', by: 'carol' } })), 'ended by admin carol');
  // a reason from a newer server: its word
  assert.is(outcomeText(record({ outcome: { kind: 'stopped', because: 'suspended' } })), 'stopped: suspended');
  assert.equal(newestFirst(records).map((r) => r.requestId)[0], 'r3');
});

test('the export is JSON Lines: one record per line, each parsing back to the record, as log export writes', () => {
  const records = [record({}), record({ requestId: 'r2', argv: ['sh', '-c', 'echo "a\nb"'] })];
  const text = toJsonLines(records);
  assert.ok(text.endsWith('\n'));
  const lines = text.split('\n').slice(0, -1);
  assert.is(lines.length, 2, 'a newline inside an argument stays escaped');
  assert.equal(
    lines.map((line) => JSON.parse(line)),
    records,
  );
  assert.is(toJsonLines([]), '');
  assert.is(exportFileName(new Date(Date.UTC(2026, 0, 31, 23))), 'octant-exec-audit-2026-01-31.jsonl');
});

test.run();
