import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startTerminal } from '../support/terminal-harness.ts';

const lifecycle = suite('terminal machine: lifecycle');

lifecycle('starts connecting with an open stream for the first shell', () => {
  const t = startTerminal();
  assert.equal(t.state, { running: 'connecting' });
  assert.is(t.streams.length, 1);
  assert.equal(t.streams[0].input.argv, ['bash']);
  assert.is(t.streams[0].input.interactive, true);
  assert.equal(t.facts[0], { type: 'session.connecting', sessionId: 't1', run: 1, argv: ['bash'] });
});

lifecycle('CONNECTED makes it interactive and reports the protocol', () => {
  const t = startTerminal();
  t.send({ type: 'CONNECTED', protocol: 'v5.channel.k8s.io' });
  assert.equal(t.state, { running: { live: 'interactive' } });
  assert.equal(t.facts.at(-1), { type: 'session.connected', sessionId: 't1', protocol: 'v5.channel.k8s.io' });
});

lifecycle('EXITED ends the stream and keeps the exit code', () => {
  const t = startTerminal({ command: { argv: ['sh', '-c', 'exit 42'] }, interactive: false });
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.send({ type: 'EXITED', code: 42 });
  assert.is(t.state, 'exited');
  assert.is(t.context.exitCode, 42);
  assert.is(t.streams[0].stopped, true);
  assert.equal(t.facts.at(-1), { type: 'session.exited', sessionId: 't1', code: 42 });
});

lifecycle('FAILED (forbidden) ends in failed with the adapter sentence', () => {
  const t = startTerminal();
  const failure = { reason: 'forbidden' as const, message: 'You lack create on pods/exec.' };
  t.send({ type: 'FAILED', failure });
  assert.is(t.state, 'failed');
  assert.equal(t.context.failure, failure);
  assert.equal(t.factTypes().slice(-2), ['session.attemptFailed', 'session.failed']);
});

lifecycle('DISCONNECT ends in disconnected with the reason, from connecting or live', () => {
  for (const connectFirst of [false, true]) {
    const t = startTerminal();
    if (connectFirst) t.send({ type: 'CONNECTED', protocol: 'p' });
    t.send({ type: 'DISCONNECT', reason: 'streamDropped', detail: 'EOF' });
    assert.is(t.state, 'disconnected');
    assert.is(t.context.disconnectReason, 'streamDropped');
    assert.is(t.streams[0].stopped, true);
    assert.equal(t.facts.at(-1), { type: 'session.disconnected', sessionId: 't1', reason: 'streamDropped', detail: 'EOF' });
  }
});

lifecycle('no answer within the connect timeout fails with a connection reason', () => {
  const t = startTerminal();
  t.advance(29_000);
  assert.equal(t.state, { running: 'connecting' });
  t.advance(1_000);
  assert.is(t.state, 'failed');
  assert.is(t.context.failure.reason, 'connection');
  assert.match(t.context.failure.message, /30 s/);
});

lifecycle('RESIZE is remembered, reported and forwarded to the running stream only', () => {
  const t = startTerminal();
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.send({ type: 'RESIZE', cols: 120, rows: 40 });
  assert.equal(t.streams[0].commands, [{ type: 'RESIZE', cols: 120, rows: 40 }]);
  assert.equal(t.context.size, { cols: 120, rows: 40 });
  t.send({ type: 'EXITED', code: 0 });
  t.send({ type: 'RESIZE', cols: 100, rows: 30 });
  assert.is(t.streams[0].commands.length, 1);
  t.send({ type: 'RESTART' });
  assert.equal(t.streams[1].input.size, { cols: 100, rows: 30 }, 'a restarted run opens at the last size');
});

lifecycle('STOP (its batch cancelled) ends the run in stopped, its exec ended as a close ends it; the terminal stays, and nothing times it out', () => {
  for (const connectFirst of [false, true]) {
    const t = startTerminal({ command: { argv: ['sh', '-c', 'echo started; sleep 60'] }, interactive: false });
    if (connectFirst) t.send({ type: 'CONNECTED', protocol: 'p' });
    t.send({ type: 'STOP', because: 'batchCancelled' });
    assert.is(t.state, 'stopped');
    assert.is(t.status, 'active', 'not closed: the terminal and its output stay');
    assert.is(t.streams[0].stopped, true, 'the exec stream was ended');
    assert.equal(t.facts.at(-1), { type: 'session.stopped', sessionId: 't1', because: 'batchCancelled' });
    const facts = t.facts.length;
    t.advance(600_000);
    t.send({ type: 'STOP', because: 'batchCancelled' });
    assert.is(t.state, 'stopped');
    assert.is(t.facts.length, facts, 'no timer and no second stop: it is at rest');
  }
  const ended = startTerminal();
  ended.send({ type: 'EXITED', code: 0 });
  ended.send({ type: 'STOP', because: 'batchCancelled' });
  assert.is(ended.state, 'exited', 'a run that already ended keeps its end');
  assert.equal(ended.factTypes().slice(-1), ['session.exited']);
});

const endings = [
  ['exited', { type: 'EXITED', code: 1 }],
  ['failed', { type: 'FAILED', failure: { reason: 'unknown', message: 'x' } }],
  ['disconnected', { type: 'DISCONNECT', reason: 'streamDropped' }],
  ['stopped', { type: 'STOP', because: 'batchCancelled' }],
] as const;

lifecycle('RESTART from every ended state starts a new counted run in the same terminal', () => {
  for (const [state, event] of [...endings, ['timedOut', undefined] as const]) {
    const t = startTerminal();
    t.send({ type: 'CONNECTED', protocol: 'p' });
    if (event) t.send(event);
    else t.advance(300_000);
    assert.is(t.state, state);
    t.send({ type: 'RESTART' });
    assert.equal(t.state, { running: 'connecting' }, `restart from ${state}`);
    assert.is(t.context.run, 2);
    assert.is(t.streams.length, 2);
    assert.is(t.context.exitCode, undefined);
    assert.is(t.context.failure, undefined);
    assert.equal(t.facts.slice(-2), [
      { type: 'session.restarted', sessionId: 't1', run: 2 },
      { type: 'session.connecting', sessionId: 't1', run: 2, argv: ['bash'] },
    ]);
  }
});

lifecycle('CLOSE from every ended state, and from a running one, reaches closed and stops', () => {
  for (const [state, event] of [...endings, ['running', undefined] as const]) {
    const t = startTerminal();
    t.send({ type: 'CONNECTED', protocol: 'p' });
    if (event) t.send(event);
    t.send({ type: 'CLOSE' });
    assert.is(t.status, 'done', `close from ${state}`);
    assert.is(t.streams[0].stopped, true);
    assert.equal(t.facts.at(-1), { type: 'session.closed', sessionId: 't1' });
  }
});

lifecycle('events that do not apply are ignored without a fact', () => {
  const t = startTerminal();
  t.send({ type: 'RESTART' });
  t.send({ type: 'ACTIVITY' });
  assert.equal(t.state, { running: 'connecting' });
  assert.equal(t.factTypes(), ['session.connecting']);
});

const idle = suite('terminal machine: idle notice and timeout (SimulatedClock)');

idle('no activity for the notice period shows idle; activity makes it interactive again', () => {
  const t = startTerminal();
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.advance(59_000);
  assert.equal(t.state, { running: { live: 'interactive' } });
  t.advance(1_000);
  assert.equal(t.state, { running: { live: 'idle' } });
  assert.equal(t.facts.at(-1), { type: 'session.idle', sessionId: 't1' });
  t.send({ type: 'ACTIVITY' });
  assert.equal(t.state, { running: { live: 'interactive' } });
  assert.equal(t.factTypes().slice(-2), ['session.activity', 'session.active']);
});

idle('300 s without activity times out, ends the exec and keeps the terminal', () => {
  const t = startTerminal();
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.advance(299_000);
  assert.equal(t.state, { running: { live: 'idle' } });
  t.advance(1_000);
  assert.is(t.state, 'timedOut');
  assert.is(t.streams[0].stopped, true);
  assert.is(t.status, 'active', 'a timed-out terminal stays until closed');
  assert.equal(t.facts.at(-1), { type: 'session.timedOut', sessionId: 't1', afterMs: 300_000, cause: 'idle' });
});

idle('activity resets the timeout, whether it comes while interactive or idle', () => {
  const t = startTerminal();
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.advance(30_000);
  t.send({ type: 'ACTIVITY' });
  t.advance(200_000);
  t.send({ type: 'ACTIVITY' });
  t.advance(299_000);
  assert.equal(t.state, { running: { live: 'idle' } });
  t.advance(1_000);
  assert.is(t.state, 'timedOut');
});

idle('activity told late counts from when it happened: quietMs shortens both idle timers', () => {
  const t = startTerminal();
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.advance(59_000);
  t.send({ type: 'ACTIVITY', quietMs: 45_000 }); // the last output was at 14 s
  assert.equal(t.facts.at(-1), { type: 'session.activity', sessionId: 't1', quietMs: 45_000 });
  t.advance(14_000);
  assert.equal(t.state, { running: { live: 'interactive' } });
  t.advance(1_000);
  assert.equal(t.state, { running: { live: 'idle' } }, 'idle 60 s after the real activity, at 74 s');
  t.advance(239_000);
  assert.equal(t.state, { running: { live: 'idle' } });
  t.advance(1_000);
  assert.is(t.state, 'timedOut', 'timed out 300 s after the real activity, at 314 s');
});

idle('the timeout is configurable per terminal', () => {
  const t = startTerminal({ idleTimeoutMs: 5_000, idleNoticeMs: 2_000 });
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.advance(2_000);
  assert.equal(t.state, { running: { live: 'idle' } });
  t.advance(3_000);
  assert.is(t.state, 'timedOut');
});

const shells = suite('terminal machine: shell choice');

shells('auto: bash missing falls back to sh', () => {
  const t = startTerminal();
  t.send({ type: 'FAILED', failure: { reason: 'commandNotFound', message: 'exec: "bash": executable file not found in $PATH' } });
  assert.equal(t.state, { running: 'connecting' });
  assert.is(t.streams[0].stopped, true);
  assert.equal(t.streams[1].input.argv, ['sh']);
  t.send({ type: 'CONNECTED', protocol: 'p' });
  assert.equal(t.state, { running: { live: 'interactive' } });
  assert.equal(t.factTypes(), ['session.connecting', 'session.attemptFailed', 'session.connecting', 'session.connected']);
});

shells('auto: no shell at all fails naming every shell tried', () => {
  const t = startTerminal({ target: { namespace: 'default', pod: 'distroless-app', container: 'app' } });
  const notFound = { type: 'FAILED' as const, failure: { reason: 'commandNotFound' as const, message: 'not found' } };
  t.send(notFound);
  t.send(notFound);
  assert.is(t.state, 'failed');
  assert.equal(t.facts.at(-1), {
    type: 'session.failed',
    sessionId: 't1',
    failure: t.context.failure,
    tried: ['bash', 'sh'],
  });
  assert.match(t.context.failure.message, /tried bash, sh/);
  assert.match(t.context.failure.message, /"app"/);
});

shells('the auto order is configurable', () => {
  const t = startTerminal({ autoShells: ['zsh', 'fish', 'sh'] });
  assert.equal(t.streams[0].input.argv, ['zsh']);
  t.send({ type: 'FAILED', failure: { reason: 'commandNotFound', message: '' } });
  assert.equal(t.streams[1].input.argv, ['fish']);
});

shells('an explicitly chosen shell does not fall back', () => {
  const t = startTerminal({ command: { shell: 'bash' } });
  t.send({ type: 'FAILED', failure: { reason: 'commandNotFound', message: 'not found' } });
  assert.is(t.state, 'failed');
  assert.is(t.streams.length, 1);
  assert.match(t.context.failure.message, /bash is not installed/);
});

shells('auto does not fall back on failures other than a missing executable', () => {
  const t = startTerminal();
  t.send({ type: 'FAILED', failure: { reason: 'containerNotRunning', message: 'container is waiting' } });
  assert.is(t.state, 'failed');
  assert.is(t.streams.length, 1);
  assert.is(t.context.failure.message, 'container is waiting');
});

shells('a custom command that is missing says which command', () => {
  const t = startTerminal({ command: { argv: ['htop'] }, interactive: false });
  t.send({ type: 'FAILED', failure: { reason: 'commandNotFound', message: 'not found' } });
  assert.match(t.context.failure.message, /"htop" was not found in container "nginx"/);
});

shells('a restart after fallback starts again from the first shell', () => {
  const t = startTerminal();
  t.send({ type: 'FAILED', failure: { reason: 'commandNotFound', message: '' } });
  t.send({ type: 'CONNECTED', protocol: 'p' });
  t.send({ type: 'EXITED', code: 0 });
  t.send({ type: 'RESTART' });
  assert.equal(t.streams.at(-1)!.input.argv, ['bash']);
});

lifecycle.run();
idle.run();
shells.run();
