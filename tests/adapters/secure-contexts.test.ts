// One TLS context per set of credentials, shared by the connections that use them (every exec
// opens one): the same material gives the same context, other material another, and options
// without any are left as they are. That connections work with it: exec-contract.test.ts.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { shareSecureContext } from '../../src/adapters/kubernetes/secure-contexts.ts';
import { generateSandboxTls } from '../../src/sandbox/api/tls.ts';

const test = suite('secure contexts');

test('the same CA shares one context; another CA gets its own; no material, no context', async () => {
  const [a, b] = [await generateSandboxTls(), await generateSandboxTls()];
  const first: Record<string, unknown> = { ca: a.caPem, rejectUnauthorized: true };
  const again: Record<string, unknown> = { ca: `${a.caPem}` };
  const other: Record<string, unknown> = { ca: b.caPem };
  for (const options of [first, again, other]) shareSecureContext(options);
  assert.ok(first.secureContext);
  assert.is(again.secureContext, first.secureContext);
  assert.is.not(other.secureContext, first.secureContext);
  assert.is(first.ca, undefined, 'the material goes with the context');
  assert.is(first.rejectUnauthorized, true, 'what is not material stays');
  const bare: Record<string, unknown> = { rejectUnauthorized: false };
  shareSecureContext(bare);
  assert.equal(bare, { rejectUnauthorized: false });
});

test.run();
