// The small parsers the sandbox judges client input with: label selectors, resize messages,
// Kubernetes names, command resolution, fixtures.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLabelSelector } from '../../src/sandbox/api/label-selector.ts';
import { parseResizeMessage } from '../../src/sandbox/transports/resize-message.ts';
import { resolveCommand } from '../../src/sandbox/containers/command-resolver.ts';
import { checkFixture } from '../../src/sandbox/fixture/fixture.ts';
import { demoFixture } from '../../src/sandbox/fixture/demo-fixture.ts';
import { exitCodeOf } from '../../src/sandbox/processes/running-process.ts';

test('label selectors: equality, inequality, set membership, existence', () => {
  const labels = { app: 'web', tier: 'frontend' };
  const matches = (s: string) => parseLabelSelector(s)!(labels);
  assert.ok(matches(''));
  assert.ok(matches('app=web'));
  assert.ok(matches('app==web,tier=frontend'));
  assert.not.ok(matches('app!=web'));
  assert.ok(matches('app in (db, web)'));
  assert.not.ok(matches('app notin (web)'));
  assert.ok(matches('tier'));
  assert.ok(matches('!missing'));
  assert.not.ok(matches('missing'));
  assert.ok(parseLabelSelector('missing!=x')!(labels), 'a missing label is != any value');
  for (const bad of ['=x', 'app in web', 'a b', 'app=(x']) assert.is(parseLabelSelector(bad), null, bad);
});

test('resize messages: any key case, clamped, malformed ignored, several per frame', () => {
  assert.equal(parseResizeMessage('{"Width":100,"Height":30}\n'), [{ cols: 100, rows: 30 }]);
  assert.equal(parseResizeMessage('{"height":30,"width":100}'), [{ cols: 100, rows: 30 }]);
  assert.equal(parseResizeMessage('{"WIDTH":0,"HEIGHT":-4}'), [{ cols: 1, rows: 1 }]);
  assert.equal(parseResizeMessage('{"Width":100000,"Height":100000}'), [{ cols: 1000, rows: 1000 }]);
  assert.equal(parseResizeMessage('{"Width":"80","Height":24}'), []);
  assert.equal(parseResizeMessage('not json'), []);
  assert.equal(parseResizeMessage('null'), []);
  assert.equal(parseResizeMessage('{"Width":80,"Height":24}\n{"Width":90,"Height":25}\n'), [{ cols: 80, rows: 24 }, { cols: 90, rows: 25 }]);
});

test('commands resolve inside the container bin directory only', () => {
  const bin = mkdtempSync(join(tmpdir(), 'octant-exec-bin-'));
  try {
    symlinkSync('/bin/sh', join(bin, 'sh'));
    assert.equal(resolveCommand('sh', bin), { path: join(bin, 'sh') });
    assert.equal(resolveCommand('/bin/sh', bin), { path: join(bin, 'sh') });
    assert.equal(resolveCommand('/usr/local/bin/sh', bin), { path: join(bin, 'sh') });
    assert.equal(resolveCommand(join(bin, 'sh'), bin), { path: join(bin, 'sh') });
    assert.equal(resolveCommand('bash', bin), { notFound: 'exec: "bash": executable file not found in $PATH' });
    assert.equal(resolveCommand('/tmp/sh', bin), { notFound: 'exec: "/tmp/sh": stat /tmp/sh: no such file or directory' });
    assert.ok('notFound' in resolveCommand('../sh', bin));
    assert.ok('notFound' in resolveCommand('', bin));
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('exit codes: 0-255 kept, signals become 128+S', () => {
  assert.is(exitCodeOf(3, null), 3);
  assert.is(exitCodeOf(null, 'SIGKILL'), 137);
  assert.is(exitCodeOf(null, 15), 143);
  assert.is(exitCodeOf(300, null), 44);
});

test('fixtures: the demo passes; mistakes are named with their place', () => {
  assert.ok(checkFixture(demoFixture));
  assert.throws(() => checkFixture({}), /namespaces must be an array/);
  assert.throws(() => checkFixture({ namespaces: [{ name: 'Bad', pods: [] }] }), /namespaces\[0\]\.name must be a DNS-1123 label/);
  assert.throws(() => checkFixture({ namespaces: [{ name: 'a', pods: [{ name: 'p', containers: [] }] }] }), /pods\[0\]\.containers must be a non-empty array/);
  assert.throws(() => checkFixture({ namespaces: [{ name: 'a', pods: [{ name: 'p', containers: [{ name: 'c', shells: ['../sh'] }] }] }] }), /shells must be an array of program names/);
  assert.throws(() => checkFixture({ namespaces: [{ name: 'a', pods: [{ name: 'p', containers: [{ name: 'c' }, { name: 'c' }] }] }] }), /repeats "c"/);
  assert.throws(
    () => checkFixture({ namespaces: [{ name: 'a', pods: [{ name: 'p', containers: [{ name: 'c' }], ephemeralContainers: [{ name: 'd' }] }] }] }),
    /pods\[0\]\.ephemeralContainers cannot be given in a fixture: debug containers are added to a running pod \(kubectl debug\)/,
  );
});

test('fixtures: a main process is argv lists and boolean flags, as a pod spec has them', () => {
  const withContainer = (container: object) => ({ namespaces: [{ name: 'a', pods: [{ name: 'p', containers: [{ name: 'c', ...container }] }] }] });
  assert.ok(checkFixture(withContainer({ command: ['sh', '-c'], args: ['echo hi'], stdin: true, stdinOnce: true, tty: true })));
  assert.throws(() => checkFixture(withContainer({ command: 'sh -c "echo hi"' })), /containers\[0\]\.command must be an array of strings/);
  assert.throws(() => checkFixture(withContainer({ command: ['sh', 3] })), /command must be an array of strings/);
  assert.throws(() => checkFixture(withContainer({ command: [] })), /command must name a program first/);
  assert.throws(() => checkFixture(withContainer({ args: ['x'] })), /args needs a command: sandbox images have no entrypoint/);
  assert.throws(() => checkFixture(withContainer({ command: ['sh'], tty: 'yes' })), /tty must be true or false/);
  assert.throws(() => checkFixture(withContainer({ command: ['sh'], stdinOnce: true })), /stdinOnce needs stdin: true/);
});

test.run();
