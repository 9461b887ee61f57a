// The system's refusals in one line, with what to do where the refusal alone does not say it.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { failureLine, systemErrorLine } from '../../src/cli/system-error.ts';

const refusal = (code: string, port: number) => Object.assign(new Error(`listen ${code}: 127.0.0.1:${port}`), { code, syscall: 'listen', port });

test('a port refused says which flag to change; a privileged port only when it is one', () => {
  assert.match(systemErrorLine(refusal('EADDRINUSE', 8080)), /: another program listens there; give another --port \(0 picks a free one\)$/);
  assert.match(systemErrorLine(refusal('EACCES', 80)), /: ports under 1024 need privileges; give a --port of 1024 or more/);
  assert.is(systemErrorLine(refusal('EACCES', 2000)), 'listen EACCES: 127.0.0.1:2000', 'refused for another reason (a policy): nothing guessed');
  assert.is(failureLine(new Error('plain words')), 'plain words');
});

test.run();
