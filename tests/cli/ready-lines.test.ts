// The lines `serve` prints once ready (src/cli/serve/ready-lines.ts): the URL hands over local
// mode's per-launch token; a --token-file's token and a team mode's (which opens nothing) are
// printed nowhere, in the text lines or the --json line, and a --token-file's is not to be put in
// a URL either (the browser's history keeps it): the line sends the person to the Token field.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readyLines } from '../../src/cli/serve/ready-lines.ts';

const token = 'T'.repeat(43);
const app = { url: 'http://127.0.0.1:7788/', token, auth: 'local' as const, port: 7788, socketUrl: 'ws://127.0.0.1:7788/api/v1/stream', cluster: 'sandbox' as const, clusterNote: 'cluster: the built-in sandbox', stateDir: '/state' };
const how = { json: false, socketPath: '/api/v1/stream' };

test('a per-launch token is handed over in the URL, and in --json', () => {
  assert.equal(readyLines(app, how), ['octant-exec: cluster: the built-in sandbox', 'octant-exec: event log in /state; terminal socket at /api/v1/stream', `octant-exec: open http://127.0.0.1:7788/#token=${token}`]);
  assert.is(JSON.parse(readyLines(app, { ...how, json: true })[0]).token, token);
});

test('a --token-file token is printed nowhere: the line names the file and the page\'s Token field, not a URL to build', () => {
  const lines = readyLines(app, { ...how, tokenFile: '/run/secrets/token' });
  assert.is(lines.at(-1), 'octant-exec: open http://127.0.0.1:7788/, then give its Token field the token in /run/secrets/token (not printed: it outlives this launch)');
  assert.not.ok(lines.join('\n').includes('#token='), 'no #token= URL to make by hand');
  const json = readyLines(app, { ...how, tokenFile: '/run/secrets/token', json: true });
  assert.is(JSON.parse(json[0]).token, null);
  assert.not.ok([...lines, ...json].join('\n').includes(token));
});

test('a team mode prints the bare URL, how people sign in, and its replica', () => {
  const lines = readyLines({ ...app, auth: 'oidc', replica: { id: 'abc123', advertise: 'http://10.0.0.5:7788' } }, how);
  assert.equal(lines.slice(1), [
    'octant-exec: event log shared in PostgreSQL, as replica abc123 reached at http://10.0.0.5:7788; terminal socket at /api/v1/stream',
    'octant-exec: people sign in with --auth oidc; /healthz and /readyz answer probes',
    'octant-exec: open http://127.0.0.1:7788/',
  ]);
  assert.not.ok(lines.join('\n').includes(token));
});

test.run();
