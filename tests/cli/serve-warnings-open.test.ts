// Flag combinations that are allowed but leave a server open must be said at start
// (serve-warnings.ts): local mode's token or a team mode's sign-in cookies over plain http to a
// remote --public-url, whatever --host the server itself listens on behind its proxy; and a
// --trusted-proxy range that is every address, on a server others can reach, where anyone may
// say who they are.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { serveWarnings } from '../../src/cli/serve/serve-warnings.ts';

const test = suite('serve warnings for open combinations', { deadlineMs: 10_000 });
const warnings = (...args: string[]) => serveWarnings(serveOptions(parseFlags(serveSpec, args).values, { XDG_STATE_HOME: '/s' }).options);

test('kube-token behind a local proxy with an http --public-url: the cookies cross the network in the clear', () => {
  const said = warnings('--auth', 'kube-token', '--public-url', 'http://exec.example.com');
  assert.is(said.length, 1, said.join('\n'));
  assert.match(said[0], /in the clear/);
  assert.match(said[0], /http:\/\/exec\.example\.com/);
});

test('local mode behind a local proxy with an http --public-url: its token crosses the network in the clear', () => {
  const said = warnings('--public-url', 'http://exec.example.com', '--token-file', '/run/token');
  assert.is(said.length, 1, said.join('\n'));
  assert.match(said[0], /^--auth local with --public-url http:\/\/exec\.example\.com: the token and its cookie cross the network in the clear/);
  assert.equal(warnings('--public-url', 'https://exec.example.com'), [], 'TLS in front: nothing to say');
});

test('an http --public-url on this machine, or an https one, says nothing', () => {
  assert.equal(warnings('--auth', 'kube-token', '--public-url', 'http://127.0.0.1:7788'), []);
  assert.equal(warnings('--auth', 'kube-token', '--public-url', 'http://localhost:7788'), []);
  assert.equal(warnings('--auth', 'kube-token', '--public-url', 'https://exec.example.com'), []);
  assert.equal(warnings('--auth', 'kube-token', '--host', '0.0.0.0', '--public-url', 'https://exec.example.com'), []);
});

test('--trusted-proxy 0.0.0.0/0 or ::/0 on a reachable --host: anyone may say who they are', () => {
  for (const range of ['0.0.0.0/0', '::/0']) {
    const said = warnings('--auth', 'proxy', '--trusted-proxy', '127.0.0.1/32', '--trusted-proxy', range, '--host', '0.0.0.0', '--public-url', 'https://exec.example.com');
    assert.is(said.length, 1, `${range}: ${said.join('\n')}`);
    assert.match(said[0], new RegExp(`--trusted-proxy ${range.replace(/\./g, '\\.')} `));
    assert.match(said[0], /X-Forwarded-User/);
  }
});

test('a narrow --trusted-proxy, or any on loopback, says nothing', () => {
  assert.equal(warnings('--auth', 'proxy', '--trusted-proxy', '10.0.0.0/8', '--host', '0.0.0.0', '--public-url', 'https://exec.example.com'), []);
  assert.equal(warnings('--auth', 'proxy', '--trusted-proxy', '0.0.0.0/0'), []);
});

test.run();
