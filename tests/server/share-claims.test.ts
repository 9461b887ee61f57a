// Local links' claims against the authenticator alone (src/server/shares/share-links.ts), with a
// log of its own whose facts fold only when settled() delivers them, as a shared log at two
// replicas does: two browsers claiming one link at once, an expired link, the owner's own browser,
// and the limits on tries (per address, with when to try again).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyEntries } from '../../src/events/projection.ts';
import { sharesProjection, type Shares } from '../../src/events/projections/shares.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { ShareFact } from '../../src/domain/share.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { Authenticator } from '../../src/server/auth/authenticator.ts';
import { refused } from '../../src/server/auth/authenticator.ts';
import { HttpError } from '../../src/server/replies.ts';
import { SHARE_COOKIE, SHARE_SIGN_IN_PATH, ShareLinkAuthenticator } from '../../src/server/shares/share-links.ts';
import { secretHash } from '../../src/server/shares/share-secrets.ts';

const TOKEN = 'owner-token';
/** local mode's own door: the printed URL's token, here a header */
const inner = {
  mode: 'local',
  signInPage: null,
  identify: (req: IncomingMessage) => (req.headers.authorization === TOKEN ? { caller: { mode: 'local', admin: true, signOut: null } } : refused(401, 'no token')),
  route: async () => false,
  onEnded: () => {},
  close: () => {},
} as unknown as Authenticator;

/** A log shared with another replica: what is logged here folds only once settled() has it delivered. */
function sharedLog() {
  let shares: Shares = sharesProjection.initial();
  let pending: LogEntry[] = [];
  let seq = 0;
  const system = {
    get shares() {
      return shares;
    },
    share(fact: ShareFact) {
      pending.push({ ...fact, seq: ++seq, time: Date.now() } as LogEntry);
    },
    async settled() {
      await new Promise((resolve) => setTimeout(resolve, 5));
      shares = applyEntries(sharesProjection, shares, pending);
      pending = [];
    },
  };
  return system as unknown as ExecSystem & { settled(): Promise<void> };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { error?: { message: string } };
}

async function post(auth: ShareLinkAuthenticator, body: unknown, headers: Record<string, string> = {}, address = '192.0.2.1'): Promise<Answer> {
  const req = Object.assign(Readable.from([Buffer.from(JSON.stringify(body))]), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, socket: { remoteAddress: address } }) as unknown as IncomingMessage;
  const answer: Answer = { status: 0, headers: {}, body: {} };
  const res = {
    headersSent: false,
    writeHead(status: number, h: Record<string, string>) {
      Object.assign(answer, { status, headers: h });
    },
    end(text: string) {
      answer.body = JSON.parse(text);
    },
  } as unknown as ServerResponse;
  try {
    await auth.route(req, res, new URL(`http://x${SHARE_SIGN_IN_PATH}`));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    Object.assign(answer, { status: error.status, body: { error: { message: error.message } } });
  }
  return answer;
}

const cookieOf = (answer: Answer) => answer.headers['Set-Cookie'].split(';')[0];
const withCookie = (cookie: string, url = '/api/v1/shared') => ({ url, headers: { cookie } }) as unknown as IncomingMessage;
const shareOf = (verdict: ReturnType<ShareLinkAuthenticator['identify']>) => ('caller' in verdict ? verdict.caller.share?.shareId : verdict.refused.status);

function setUp(expiresInMs = 60_000) {
  const clock = { now: Date.now() };
  const system = sharedLog();
  system.share({ type: 'share.created', shareId: 's1', sessionId: 't1', role: 'viewer', expiresAt: clock.now + expiresInMs, secretHash: secretHash('the-secret') });
  return { system, clock, auth: new ShareLinkAuthenticator(inner, system, { now: () => clock.now }) };
}

test('two browsers claim one link at once (replicas on one log): one gets the cookie, the other 409, and the cookie keeps working', async () => {
  const { system, auth } = setUp();
  await system.settled();
  const [a, b] = await Promise.all([post(auth, { id: 's1', secret: 'the-secret' }), post(auth, { id: 's1', secret: 'the-secret' }, {}, '192.0.2.2')]);
  const statuses = [a.status, b.status].sort();
  assert.equal(statuses, [200, 409]);
  const won = a.status === 200 ? a : b;
  const lost = a.status === 200 ? b : a;
  assert.match(lost.body.error!.message, 'already opened in another browser');
  assert.not.ok(lost.headers['Set-Cookie'], 'no cookie for the one refused');
  const verdict = auth.identify(withCookie(cookieOf(won)));
  assert.equal('caller' in verdict && verdict.caller.share, { shareId: 's1' });
});

test('an expired link: 410 when opened, and its cookie opens nothing (403, saying so)', async () => {
  const { system, clock, auth } = setUp(60_000);
  await system.settled();
  const claimed = await post(auth, { id: 's1', secret: 'the-secret' });
  assert.is(claimed.status, 200);
  clock.now += 60_000;
  const verdict = auth.identify(withCookie(cookieOf(claimed)));
  assert.equal('refused' in verdict && [verdict.refused.status, verdict.refused.message.startsWith('This share link has expired')], [403, true]);
  const { system: other, clock: later, auth: fresh } = setUp(60_000);
  await other.settled();
  later.now += 60_000;
  const opened = await post(fresh, { id: 's1', secret: 'the-secret' });
  assert.is(opened.status, 410);
  assert.match(opened.body.error!.message, 'expired');
});

test('the owner opening their own link does not use it up', async () => {
  const { system, auth } = setUp();
  await system.settled();
  const own = await post(auth, { id: 's1', secret: 'the-secret' }, { authorization: TOKEN });
  assert.is(own.status, 409);
  assert.match(own.body.error!.message, 'owner');
  assert.is((await post(auth, { id: 's1', secret: 'the-secret' })).status, 200, 'the one it is for still opens it');
});

test('tries are limited per address, with Retry-After: one address flooding locks nobody else out', async () => {
  const { system, auth } = setUp();
  await system.settled();
  const flood: Answer[] = [];
  for (let i = 0; i < 30; i++) flood.push(await post(auth, { id: 's1', secret: `guess-${i}` }, {}, '198.51.100.7'));
  const limited = flood.filter((a) => a.status === 429);
  assert.ok(limited.length > 0, `some refused: ${flood.map((a) => a.status).join(' ')}`);
  assert.ok(flood.every((a) => a.status === 401 || a.status === 429));
  assert.is(limited[0].headers['Retry-After'], '1');
  assert.match(limited[0].body.error!.message, 'from your address');
  assert.is((await post(auth, { id: 's1', secret: 'the-secret' }, {}, '203.0.113.9')).status, 200, 'another address still opens its link');
});

test('a cookie names its share: another share\'s cookie, or a forged one, opens nothing', () => {
  const { auth } = setUp();
  const verdict = auth.identify(withCookie(`${SHARE_COOKIE}s1=forged`));
  assert.equal('refused' in verdict && verdict.refused.status, 401);
});

test('two links opened in one browser both keep working: the page names the one it shows', async () => {
  const { system, auth } = setUp();
  system.share({ type: 'share.created', shareId: 's2', sessionId: 't2', role: 'viewer', expiresAt: Date.now() + 60_000, secretHash: secretHash('other-secret') });
  await system.settled();
  const first = cookieOf(await post(auth, { id: 's1', secret: 'the-secret' }));
  const second = cookieOf(await post(auth, { id: 's2', secret: 'other-secret' }));
  assert.is.not(first.split('=')[0], second.split('=')[0], 'one cookie per share');
  const both = `${first}; ${second}`;
  assert.is(shareOf(auth.identify(withCookie(both, '/api/v1/shared?id=s1'))), 's1');
  assert.is(shareOf(auth.identify(withCookie(both, '/api/v1/stream?share=s2'))), 's2');
  assert.is(shareOf(auth.identify(withCookie(both, '/api/v1/stream'))), 401, 'which one, unsaid: none');
  assert.is(shareOf(auth.identify(withCookie(first, '/api/v1/stream'))), 's1', 'one cookie alone needs no name');
  assert.is(shareOf(auth.identify(withCookie(first, '/api/v1/shared?id=s2'))), 401, 'a share this browser did not open');
});

test.run();
