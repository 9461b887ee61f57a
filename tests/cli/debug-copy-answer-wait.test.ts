// `octant-exec debug --copy` waits for the start's answer longer than the server waits for the
// copy to run (RUNNING_WITHIN_MS, after making it): with the usual wait (as long as that) a copy
// that came up at the last moment, or the server's 504 saying why it did not, was given up on as
// a server that "has said nothing". Other starts keep the usual wait.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startAnswerWaitMs } from '../../src/cli/terminal/run-terminal.ts';
import { RUNNING_WITHIN_MS } from '../../src/domain/pod.ts';
import type { ExecRequest } from '../../src/protocol/index.ts';

const request = (mode?: ExecRequest['mode']) => ({ namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' }, interactive: true, ...(mode ? { mode } : {}) }) as ExecRequest;

test("a debug copy's start is waited for past the server's own wait for the copy to run; others as usual", () => {
  assert.ok(startAnswerWaitMs(request({ kind: 'copy' }))! > RUNNING_WITHIN_MS + 10_000);
  assert.is(startAnswerWaitMs(request()), undefined);
  assert.is(startAnswerWaitMs(request({ kind: 'debug', image: 'busybox' } as ExecRequest['mode'])), undefined);
});

test.run();
