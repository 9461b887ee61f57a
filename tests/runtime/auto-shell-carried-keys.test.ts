// Auto tries bash, then sh. A cluster says an executable is missing only after the exec's stream
// opened, so the bash attempt is attached (keys go to it) until it fails: what was typed into it
// never reached a program and must go to sh's attempt, first and in order, or a person's first
// keys into a bash-less container are lost. Only then: a program that has written anything but
// the words a runtime says "not found" in, or more, ran, and a run that fails for good (or a
// restart) gets nothing of another run's keys. Nothing after stdin's end is input; past the
// bound, the next shell does not run without what was typed: the run fails, saying so.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, restartAndOpen, settle, shellIn } from '../support/system.ts';
import { MAX_HELD_INPUT } from '../../src/runtime/unanswered-input.ts';
import { TerminalIo } from '../../src/runtime/terminal-io.ts';
import type { ExecStream } from '../../src/adapters/exec.ts';

const test = suite('keys typed into an Auto attempt whose shell is missing', { deadlineMs: 20_000 });
const encode = (text: string) => new TextEncoder().encode(text);

/** An exec stream that keeps what it was given. */
class RecordingStream implements ExecStream {
  readonly written: string[] = [];
  write(data: Uint8Array): void {
    this.written.push(new TextDecoder().decode(data));
  }
  closeStdin(): void {}
  resize(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {}
}

async function autoShell() {
  const made = makeSystem();
  const heard: string[] = [];
  made.system.io.listen({ input: (_id, data) => void heard.push(new TextDecoder().decode(data)) });
  made.system.exec(shellIn('alpine'), ['nginx']);
  await settle();
  return { ...made, heard };
}

test('go to the next shell\'s stream first, in order, and are heard once', async () => {
  const { system, adapter, heard } = await autoShell();
  const bash = adapter.last().open();
  await settle();
  assert.equal(bash.request.argv, ['bash']);
  assert.ok(system.io.input('t1', encode('echo ')));
  assert.ok(system.io.input('t1', encode('hi\r')));
  bash.fail('commandNotFound', 'exec: "bash": executable file not found in $PATH');
  await settle();
  const sh = adapter.last();
  assert.equal(sh.request.argv, ['sh']);
  assert.equal(sh.written, [], 'nothing before its stream opens');
  sh.open();
  await settle();
  system.io.input('t1', encode('pwd\r'));
  assert.is(sh.input, 'echo hi\rpwd\r');
  assert.equal(heard, ['echo ', 'hi\r', 'pwd\r'], 'the carried keys are not heard (recorded, shared) a second time');
  await system.shutdown();
});

test('keys and stdin\'s end that come after the missing shell\'s stream ended, before the next one opens, go to it too', async () => {
  const { system, adapter, heard } = await autoShell();
  const bash = adapter.last().open();
  await settle();
  assert.ok(system.io.input('t1', encode('echo ')));
  bash.fail('commandNotFound');
  assert.ok(system.io.input('t1', encode('hi')), 'kept for the next attempt, not refused as "not running"');
  await settle();
  assert.ok(system.io.input('t1', encode('\r')));
  assert.ok(system.io.closeStdin('t1'));
  const sh = adapter.last().open();
  await settle();
  assert.equal([sh.request.argv, sh.input, sh.stdinClosed], [['sh'], 'echo hi\r', true]);
  assert.equal(heard, ['echo ', 'hi', '\r'], 'each heard once, when typed');
  await system.shutdown();
});

test('after stdin\'s end nothing more is input, typed into the missing shell or between the attempts: refused (dropsInput), the next shell gets the end and none of it', async () => {
  for (const endedIn of ['attempt', 'between'] as const) {
    const { system, adapter, heard } = await autoShell();
    const bash = adapter.last().open();
    await settle();
    assert.ok(system.io.input('t1', encode('echo before-eof\n')));
    if (endedIn === 'between') bash.fail('commandNotFound');
    assert.ok(system.io.closeStdin('t1'));
    assert.not.ok(system.io.input('t1', encode('echo after-eof\n')), `${endedIn}: refused`);
    assert.is(system.io.dropsInput('t1'), 'ended', `${endedIn}: the data plane is told why`);
    if (endedIn === 'attempt') {
      assert.is(bash.input, 'echo before-eof\n', 'not given to the attempt either');
      bash.fail('commandNotFound');
    }
    await settle();
    const sh = adapter.last().open();
    await settle();
    assert.equal([sh.request.argv, sh.input, sh.stdinClosed], [['sh'], 'echo before-eof\n', true], `${endedIn}: the end, and nothing after it`);
    assert.equal(heard, ['echo before-eof\n'], `${endedIn}: heard (recorded) only as input`);
    assert.not.ok(system.io.input('t1', encode('late\n')), 'nor into the next shell, its input ended');
    await system.shutdown();
  }
});

test('past the bound, typed or piped into the missing shell or between the attempts, the next shell does not run without it: the run fails, saying what to do', async () => {
  for (const [name, intoBash, between] of [
    ['piped into it, with its end (octant-exec exec < big-script: sh waited for input for good)', MAX_HELD_INPUT + 10, 0],
    ['typed into it, Docker saying "not found" after', MAX_HELD_INPUT + 1, 0],
    ['between the attempts', 10, MAX_HELD_INPUT],
  ] as const) {
    const { system, adapter } = await autoShell();
    const bash = adapter.last().open();
    await settle();
    assert.ok(system.io.input('t1', new Uint8Array(intoBash).fill(0x0a)), `${name}: the attempt takes it`);
    if (name.startsWith('piped')) assert.ok(system.io.closeStdin('t1'));
    if (name.includes('Docker')) bash.stdout('OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown\r\n');
    await settle();
    bash.fail('commandNotFound');
    if (between > 0) {
      assert.not.ok(system.io.input('t1', new Uint8Array(between).fill(0x0a)), `${name}: past the bound`);
      assert.is(system.io.dropsInput('t1'), 'full', `${name}: the data plane is told, until the run ends`);
    }
    await settle();
    if (between > 0) {
      const sh = adapter.last();
      assert.equal(sh.request.argv, ['sh']);
      sh.open();
      await settle();
      assert.equal([sh.written, sh.isEnded], [[], true], `${name}: its stream closed as it opened, given nothing`);
    } else {
      assert.is(adapter.streams.length, 1, `${name}: sh never started`);
    }
    const row = system.sessionList.byId.t1;
    assert.is(row.state, 'failed', name);
    assert.match(row.failure!.message, 'more than 64 KiB was typed or piped in before that was known');
    assert.match(row.failure!.message, 'instead of Auto');
    assert.not.ok(system.io.dropsInput('t1'), `${name}: over: input is refused as for any ended run`);
    await system.shutdown();
  }
});

test('a runtime that says "not found" in the output (Docker: then exit 126) still has them carried; a program that wrote anything else, or past those words, ran, and nothing is', async () => {
  const docker = await autoShell();
  const said = docker.adapter.last().open();
  await settle();
  docker.system.io.input('t1', encode('ls\r'));
  said.stdout('OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown\r\n');
  said.fail('commandNotFound');
  await settle();
  assert.is(docker.adapter.last().open().input, 'ls\r');
  await docker.system.shutdown();

  // a prompt is not those words: it ran, known at its first byte; words like them, past 512 bytes: it ran too
  for (const output of ['bash-5.2# ', `exec: ${'a chatty program\r\n'.repeat(30)}$ `]) {
    const spoke = await autoShell();
    const ran: string[] = [];
    spoke.system.io.listen({ ran: (id) => void ran.push(id) });
    const bash = spoke.adapter.last().open();
    await settle();
    bash.stdout(output);
    await settle();
    assert.equal(ran, ['t1'], 'told it ran');
    spoke.system.io.input('t1', encode('exit\r'));
    bash.fail('commandNotFound', 'a program that ran cannot be missing; said anyway');
    await settle();
    assert.equal(spoke.adapter.last().open().written, []);
    await spoke.system.shutdown();
  }
});

test('piped input and its end go to the next shell (`echo id | octant-exec exec POD`)', async () => {
  const { system, adapter } = makeSystem();
  system.exec(shellIn('alpine', ['nginx'], { interactive: false }), ['nginx']);
  await settle();
  const bash = adapter.last().open();
  await settle();
  system.io.input('t1', encode('id\n'));
  assert.ok(system.io.closeStdin('t1'));
  bash.fail('commandNotFound');
  await settle();
  const sh = adapter.last().open();
  await settle();
  assert.equal([sh.request.argv, sh.input, sh.stdinClosed], [['sh'], 'id\n', true]);
  await system.shutdown();
});

test('keys carried for a run never reach another run, and a run that ends drops them', () => {
  const io = new TerminalIo();
  const bash = new RecordingStream();
  io.attach('t1', 1, bash, () => {}, true);
  io.input('t1', encode('rm -rf ./build\r'));
  io.detach('t1', bash, true);
  const run2 = new RecordingStream();
  io.attach('t1', 2, run2, () => {}); // run 1 timed out before its next attempt; this is a restart
  assert.equal(run2.written, []);
  io.detach('t1', run2);

  const again = new RecordingStream();
  io.attach('t1', 3, again, () => {}, true);
  io.input('t1', encode('top\r'));
  io.detach('t1', again, true);
  io.runOver('t1'); // the session closed, or its run ended, before the next attempt opened
  const next = new RecordingStream();
  io.attach('t1', 3, next, () => {});
  assert.equal(next.written, []);
});

test('a shell whose end says it is missing never ran when it wrote nothing (an attempt with another after it: nothing but the words that say so), the last one too', () => {
  const io = new TerminalIo();
  const heard: boolean[] = [];
  io.listen({ streamClosed: (_id, neverRan) => void heard.push(neverRan) });
  const ends: Array<{ mayBeMissing: boolean; output: string; neverRan: boolean }> = [
    { mayBeMissing: true, output: '', neverRan: true },
    { mayBeMissing: true, output: 'exec: "bash": executable file not found in $PATH\r\n', neverRan: true },
    { mayBeMissing: true, output: 'bash-5.2# ', neverRan: false },
    { mayBeMissing: false, output: '', neverRan: true },
    { mayBeMissing: false, output: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown\r\n', neverRan: false },
  ];
  for (const [i, { mayBeMissing, output }] of ends.entries()) {
    const stream = new RecordingStream();
    io.attach('t1', i + 1, stream, () => {}, mayBeMissing);
    io.input('t1', encode('ls\r'));
    if (output) io.output('t1', 'stdout', encode(output));
    assert.ok(io.detach('t1', stream, true), 'nothing past the bound');
  }
  assert.equal(heard, ends.map((end) => end.neverRan));
});

test('the last shell\'s failure, and a restart, carry nothing', async () => {
  const made = await autoShell();
  const { system, adapter } = made;
  adapter.last().open().fail('commandNotFound');
  await settle();
  const sh = adapter.last().open();
  await settle();
  system.io.input('t1', encode('ls\r'));
  sh.fail('commandNotFound');
  await settle();
  assert.is(system.sessionList.byId.t1.state, 'failed');
  const run2 = await restartAndOpen(made, 't1');
  assert.equal(run2.request.argv, ['bash']);
  assert.equal(run2.written, [], 'run 2 got none of run 1\'s keys');
  await system.shutdown();
});

test('a next attempt that never opens drops them', async () => {
  const made = await autoShell();
  const { system, adapter } = made;
  const bash = adapter.last().open();
  await settle();
  system.io.input('t1', encode('top\r'));
  bash.fail('commandNotFound');
  await settle();
  adapter.last().fail('connection', 'the cluster went away');
  await settle();
  assert.equal((await restartAndOpen(made, 't1')).written, []);
  await system.shutdown();
});

test.run();
