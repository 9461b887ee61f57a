// A socket holds its caller's word only as long as that word holds: proxy mode's caller (whose
// word comes with each request, and no session ends) is asked again after a sign-in's length, by
// closing its socket, which the page then opens again through the proxy. Other callers' sockets
// stay open until they close or their session ends.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { LOCAL_CALLER } from '../../src/server/caller.ts';
import { ProxyAuthenticator } from '../../src/server/auth/proxy-auth.ts';
import { TrustedPeers } from '../../src/server/auth/trusted-peers.ts';
import { SESSION_MS } from '../../src/server/auth/sessions.ts';
import { openSocketPair } from './hub-socket-pair.ts';

test('a socket of a caller with a lifetime is closed (1008, with a reason) when it is over; one without is not', async () => {
  const person = { user: 'alice', groups: ['dev'] };
  const aged = await openSocketPair({ mode: 'proxy', person, admin: false, signOut: null, socketLifetimeMs: 300 });
  const open = await openSocketPair(LOCAL_CALLER);
  try {
    const closed = await aged.closed;
    assert.equal(closed, { code: 1008, reason: 'who you are is asked again: connect again' });
    assert.is(open.client.readyState, open.client.OPEN, 'a caller without a lifetime keeps its socket');
  } finally {
    await aged.close();
    await open.close();
  }
});

test("proxy mode's caller holds on a socket for a sign-in's length", () => {
  const proxy = new ProxyAuthenticator(new TrustedPeers(['127.0.0.2']), new Set(), { username: '', groups: '' }, () => {});
  const req = { socket: { remoteAddress: '127.0.0.2' }, headers: { 'x-forwarded-user': 'alice' }, rawHeaders: ['X-Forwarded-User', 'alice'] } as unknown as IncomingMessage;
  const verdict = proxy.identify(req);
  assert.ok('caller' in verdict, JSON.stringify(verdict));
  assert.is(verdict.caller.socketLifetimeMs, SESSION_MS);
  assert.is(verdict.caller.person?.user, 'alice');
});

test.run();
