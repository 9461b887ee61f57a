// The stream a debug run hands out before its debug container runs: what is done meanwhile
// reaches the real stream in order, and a writer waiting for `sent` is never left waiting.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DeferredExecStream } from '../../src/adapters/deferred-exec.ts';
import type { ExecStream } from '../../src/adapters/exec.ts';

function recordingStream(done: string[]): ExecStream {
  return {
    write: (data, sent) => {
      done.push(`write ${new TextDecoder().decode(data)}`);
      sent?.();
    },
    closeStdin: () => done.push('closeStdin'),
    resize: (size) => done.push(`resize ${size.cols}x${size.rows}`),
    pause: () => done.push('pause'),
    resume: () => done.push('resume'),
    close: () => done.push('close'),
  };
}

test('what was done before the stream came is done to it in order, with the writers told once sent', () => {
  const deferred = new DeferredExecStream();
  const sent: string[] = [];
  const buffer = new TextEncoder().encode('ab');
  deferred.write(buffer, () => sent.push('ab'));
  buffer.fill(0); // the caller reuses its buffer: the kept bytes are a copy
  deferred.resize({ cols: 80, rows: 24 });
  deferred.pause();
  assert.equal(sent, [], 'nothing is sent before the stream exists');
  const done: string[] = [];
  deferred.begin(recordingStream(done));
  deferred.write(new TextEncoder().encode('c'), () => sent.push('c'));
  assert.equal(done, ['write ab', 'resize 80x24', 'pause', 'write c']);
  assert.equal(sent, ['ab', 'c']);
});

test('a close before the stream came tells every waiting writer, and says it came first', () => {
  const deferred = new DeferredExecStream();
  const sent: string[] = [];
  deferred.write(new TextEncoder().encode('x'), () => sent.push('x'));
  deferred.close();
  assert.equal(sent, ['x'], 'the writer is not left waiting');
  assert.ok(deferred.closed);
});

test.run();
