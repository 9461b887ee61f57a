// Accept-Encoding read with its weights (src/server/accepts-gzip.ts): a recording goes out
// gzip-encoded only to a client that takes it, never to one that refused it with q=0.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { acceptsGzip } from '../../src/server/accepts-gzip.ts';

test('gzip listed, or * without a refusal by name: yes; refused by q=0, not listed, or nothing sent: no', () => {
  for (const yes of ['gzip', 'gzip, deflate, br', 'deflate, GZIP;q=0.5', 'x-gzip', '*', 'br, *;q=0.1', 'gzip;q=0, gzip;q=1']) assert.ok(acceptsGzip(yes), yes);
  for (const no of [undefined, '', 'identity', 'br, deflate', 'gzip;q=0', 'identity, gzip;q=0', 'gzip;q=0.000', '*;q=0', '*, gzip;q=0', 'gzip;q=nonsense']) assert.not.ok(acceptsGzip(no), String(no));
});

test.run();
