// The Pod view's advice without a browser: it names only the ways into a pod that work now (a
// disabled Shell, an Exec with no running container to pick, a Debug copy not offered, or any of
// them where the cluster forbids exec, is no advice).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ContainerInfo, PodSummary } from '../../src/protocol/index.ts';
import { noTerminalsAdvice, otherWaysIn, waysIn } from '../../ui/views/ways-in.ts';

const container = (over: Partial<ContainerInfo>): ContainerInfo => ({ name: 'app', kind: 'regular', image: 'busybox:1.36', state: 'running', ready: true, ...over });
const pod = (phase: string, containers: ContainerInfo[]): PodSummary => ({ namespace: 'default', name: 'p', phase, status: phase, labels: {}, containers, defaultContainer: 'app', ready: { ready: 0, total: containers.length } });
const advice = (p: PodSummary, allowed = true) => ({ empty: noTerminalsAdvice(waysIn(p, allowed)), shellOff: otherWaysIn(waysIn(p, allowed)) });

test('a running pod: Shell or Exec; with another container crash-looping, Debug copy too', () => {
  assert.is(advice(pod('Running', [container({})])).empty, 'No terminals in this pod yet: use Shell or Exec.');
  const p = pod('Running', [container({}), container({ name: 'worker', state: 'waiting', reason: 'CrashLoopBackOff', ready: false })]);
  assert.is(advice(p).empty, 'No terminals in this pod yet: use Shell, Exec or Debug copy.');
});

test('a crash-looping pod with nothing running: only Debug copy, in the advice and after "Shell is off"', () => {
  const crashloop = pod('Running', [container({ state: 'waiting', reason: 'CrashLoopBackOff', ready: false })]);
  assert.equal(advice(crashloop), { empty: 'No terminals in this pod yet: use Debug copy.', shellOff: '; use Debug copy for a shell in a copy of this pod' });
});

test('a crash-looping default container beside a running one: Exec and Debug copy, not Shell', () => {
  const p = pod('Running', [container({ state: 'waiting', reason: 'CrashLoopBackOff', ready: false }), container({ name: 'sidecar' })]);
  assert.equal(advice(p), { empty: 'No terminals in this pod yet: use Exec or Debug copy.', shellOff: '; use Exec to pick a running container, or Debug copy for a shell in a copy of this pod' });
});

test('a pod still initializing: Exec (its init container runs), no Debug copy', () => {
  const p = pod('Pending', [container({ name: 'migrate', kind: 'init' }), container({ state: 'waiting', reason: 'PodInitializing', ready: false })]);
  assert.is(advice(p).empty, 'No terminals in this pod yet: use Exec.');
});

test('exec forbidden, or the pod not known yet: no way is named', () => {
  assert.equal(advice(pod('Running', [container({})]), false), { empty: 'No terminals in this pod yet.', shellOff: '' });
  assert.equal(waysIn(undefined, true), { shell: false, exec: false, debugCopy: false });
});

test.run();
