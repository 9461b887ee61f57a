// `octant-exec sandbox --exec-transports`: which exec upgrades the sandbox serves.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseSandboxArgs } from '../../src/cli/sandbox-command.ts';

test('--exec-transports takes websocket, spdy or both, comma-separated', () => {
  assert.equal(parseSandboxArgs(['--exec-transports', 'spdy']).options, { execTransports: ['spdy'] });
  assert.equal(parseSandboxArgs(['--exec-transports=websocket,spdy']).options, { execTransports: ['websocket', 'spdy'] });
  assert.equal(parseSandboxArgs(['--exec-transports', 'SPDY, websocket,spdy']).options, { execTransports: ['spdy', 'websocket'] });
  assert.equal(parseSandboxArgs([]).options, {});
});

test('--exec-transports refuses other names and an empty list', () => {
  assert.throws(() => parseSandboxArgs(['--exec-transports', 'h2']), /--exec-transports takes websocket, spdy \(comma-separated\), not "h2"/);
  assert.throws(() => parseSandboxArgs(['--exec-transports', 'spdy,']), /not ""/);
  assert.throws(() => parseSandboxArgs(['--exec-transports']), /needs a value/);
});

test.run();
