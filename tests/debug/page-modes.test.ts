// The page's words for debug, copy and attach terminals, without a browser: what a tab says, and
// that a copy's terminals are listed with the pod they copy (not only under the copy's own name).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { initialState, modeLabel, sessionsOfPod, tabName } from '../../ui/state/app-state.ts';
import { needsDebugCopy, notAttachableReason, type PodSummary } from '../../src/domain/pod.ts';
import { sessionRow } from '../support/session-row.ts';

const debugRow = sessionRow({ sessionId: 't1', target: { namespace: 'default', pod: 'distroless-app', container: 'app' }, command: { shell: 'sh' }, label: 'sh', mode: { kind: 'debug', image: 'busybox:1.36' } });
const copyRow = sessionRow({ sessionId: 't2', target: { namespace: 'default', pod: 'crashloop-debug-x2k4p', container: 'app' }, mode: { kind: 'copy', source: 'crashloop' } });
const attachRow = sessionRow({ sessionId: 't3', target: { namespace: 'default', pod: 'console', container: 'console' }, command: { argv: [] }, label: '', mode: { kind: 'attach' } });
const plainRow = sessionRow({ sessionId: 't4' });

test('tabs say what a terminal is: Debug IMAGE → container, COPY of POD, Attach; a plain one its command', () => {
  assert.is(tabName(debugRow), 'app: Debug busybox:1.36 → app');
  assert.is(tabName(copyRow), 'app: COPY of crashloop: shell');
  assert.is(tabName(attachRow), 'console: Attach');
  assert.is(tabName(plainRow), 'nginx: shell');
  assert.is(modeLabel(plainRow), undefined);
});

test("a copy's terminal is listed with the pod it copies, and with the copy itself", () => {
  const state = initialState({ page: 'pod', namespace: 'default', pod: 'crashloop' } as never);
  state.sessions = { order: ['t1', 't2', 't3', 't4'], byId: { t1: debugRow, t2: copyRow, t3: attachRow, t4: plainRow } } as never;
  assert.equal(sessionsOfPod(state, { namespace: 'default', pod: 'crashloop' }).map((r) => r.sessionId), ['t2']);
  assert.equal(sessionsOfPod(state, { namespace: 'default', pod: 'crashloop-debug-x2k4p' }).map((r) => r.sessionId), ['t2']);
  assert.equal(sessionsOfPod(state, { namespace: 'other', pod: 'crashloop' }), []);
});

const pod = (containers: Partial<PodSummary['containers'][number]>[], phase = 'Running'): PodSummary => ({
  namespace: 'default',
  name: 'p',
  phase,
  status: phase,
  labels: {},
  containers: containers.map((c, i) => ({ name: `c${i}`, kind: 'regular', image: 'busybox:1.36', state: 'running', ready: true, ...c })),
  ready: { ready: 0, total: containers.length },
});

test('Debug copy is for a pod not running or with a container not running or crash-looping', () => {
  assert.is(needsDebugCopy(pod([{}])), false);
  assert.is(needsDebugCopy(pod([{}], 'Pending')), true);
  assert.is(needsDebugCopy(pod([{}, { state: 'waiting', reason: 'CrashLoopBackOff' }])), true);
  assert.is(needsDebugCopy(pod([{ state: 'terminated', reason: 'Error' }], 'Failed')), true);
});

test('attach: only a running container whose spec has stdin and tty', () => {
  assert.is(notAttachableReason(pod([{ stdin: true, tty: true }]), 'c0'), undefined);
  assert.match(notAttachableReason(pod([{}]), 'c0')!, /was not started with stdin/);
  assert.match(notAttachableReason(pod([{ stdin: true }]), 'c0')!, /started without a terminal.*kubectl attach -i/);
  assert.match(notAttachableReason(pod([{ stdin: true, tty: true, state: 'waiting', reason: 'CrashLoopBackOff' }]), 'c0')!, /not running/);
  assert.match(notAttachableReason(pod([{ stdin: true, tty: true }]), 'nope')!, /has no container "nope"/);
});

test.run();
