// The system's refusals in one line, with what to do where the refusal alone does not say it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { failureLine, systemErrorLine } from '../../src/cli/system-error.ts';

const refusal = (code: string, port: number) => Object.assign(new Error(`listen ${code}: 127.0.0.1:${port}`), { code, syscall: 'listen', port });

test('a port refused says which flag to change; a privileged port only when it is one', () => {
  assert.match(systemErrorLine(refusal('EADDRINUSE', 8080)), /: another program listens there; give another --port \(0 picks a free one\)$/);
  assert.match(systemErrorLine(refusal('EACCES', 80)), /: ports under 1024 need privileges; give a --port of 1024 or more/);
  assert.is(systemErrorLine(refusal('EACCES', 2000)), 'listen EACCES: 127.0.0.1:2000', 'refused for another reason (a policy): nothing guessed');
  assert.match(systemErrorLine(refusal('EAFNOSUPPORT', 7788)), /: this machine has no IPv6; give --host 0\.0\.0\.0 to listen on IPv4 only$/, "deploy/'s --host=:: on a node without IPv6");
  assert.is(failureLine(new Error('plain words')), 'plain words');
});

const fsRefusal = (code: string, syscall: string, path: string, dest?: string) =>
  Object.assign(new Error(`${code}: refused, ${syscall} '${dest ?? path}'`), { code, syscall, path, ...(dest ? { dest } : {}) });

test('a refusal inside the state directory says whose it is to fix; one outside it is left as it is', () => {
  assert.match(failureLine(fsRefusal('EACCES', 'open', '/s/state/log/segment-1'), '/s/state'), /: part of the state directory \/s\/state is not this user's to write; run as its owner \(.*chown -R.*\), or give another --state-dir$/);
  assert.match(failureLine(fsRefusal('EACCES', 'symlink', '12:34', 'state/log/writer.lock'), 'state'), /state directory state is not/, 'a lock link: the place is its dest');
  assert.match(failureLine(fsRefusal('EROFS', 'mkdir', '/s/state/sandbox'), '/s/state/'), /: the state directory \/s\/state\/ is on a read-only file system; give a --state-dir where you may write$/);
  assert.is(failureLine(fsRefusal('EACCES', 'open', '/s/kubeconfig'), '/s/state'), "EACCES: refused, open '/s/kubeconfig'", 'outside it: no guess');
  assert.is(failureLine(fsRefusal('EACCES', 'open', '/s/state-other/x'), '/s/state'), "EACCES: refused, open '/s/state-other/x'", 'a sibling of a like name is outside');
  assert.is(failureLine(fsRefusal('ENOENT', 'open', '/s/state/x'), '/s/state'), "ENOENT: refused, open '/s/state/x'", 'not a refusal of writing');
});

test.run();
