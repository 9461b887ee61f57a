// A share.revoked may say why (`because: "signedOut"`: the owner's sign-in that made it ended,
// src/server/shares/share-sign-ins.ts). A log from before the reason was kept has share.revoked
// without it, and share.created without the sign-in: both replay as they ran, and the share list
// says "revoked by the owner" of them, as it did; the new ones replay with their reason.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import type { ShareFact } from '../../src/domain/share.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { listSegments } from '../../src/events/files/layout.ts';
import { shareEnd, shareEndMessages } from '../../src/server/shares/share-grant.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('share.revoked with and without its reason, replayed', { deadlineMs: 30_000 });
const bob = { person: { user: 'bob', groups: [] } };
const SIGN_IN = 'x'.repeat(43);

test("an older log's share.revoked without a reason replays unchanged; one with it replays with it", () => withTempDir(async (dir) => {
  const first = makeSystem({ store: new FileStore(dir), script: (s) => void s.open() });
  first.system.exec(shellIn('web'), ['nginx']);
  await settle();
  const expiresAt = first.clock.now() + 3600_000;
  // what a build from before the reason logged, as its lines were
  const older: ShareFact[] = [
    { type: 'share.created', shareId: 'old1', sessionId: 't1', role: 'participant', expiresAt, by: 'alice', users: ['bob'] },
    { type: 'share.revoked', shareId: 'old1', sessionId: 't1' },
  ];
  for (const fact of older) first.system.share(fact);
  // and what this one logs: the session that made it, and its end cut short by the sign-out
  first.system.share({ type: 'share.created', shareId: 'new1', sessionId: 't1', role: 'participant', expiresAt, by: 'alice', users: ['bob'], signIn: SIGN_IN, untilSignInEnds: true });
  first.system.share({ type: 'share.revoked', shareId: 'new1', sessionId: 't1', because: 'signedOut' });
  await first.system.settled();
  const logged = first.system.entries().filter((entry) => entry.type.startsWith('share.'));
  assert.equal(logged.slice(0, 2).map(({ seq: _seq, time: _time, ...fact }) => fact), older, 'the older entries are logged as they were');
  first.store.close(); // the process stops
  // a second older revoke behind them, as two replicas both logging one left it: the first one stands
  const last = first.system.entries().at(-1)!;
  appendFileSync(listSegments(dir).at(-1)!.path, JSON.stringify({ type: 'share.revoked', shareId: 'new1', sessionId: 't1', seq: last.seq + 1, time: last.time + 1 }) + '\n');

  const warnings: string[] = [];
  const second = makeSystem({ store: new FileStore(dir), warnings });
  assert.is(second.system.replayReport.divergence, undefined, 'the log replays as it ran');
  assert.equal(warnings, []);
  const { old1, new1 } = second.system.shares.byId;
  assert.ok(old1.revokedAt !== undefined && old1.revokedBecause === undefined && old1.signIn === undefined);
  assert.is(shareEndMessages[shareEnd(old1, bob, second.clock.now())!], shareEndMessages.revoked);
  assert.equal([new1.revokedBecause, new1.signIn, new1.untilSignInEnds], ['signedOut', SIGN_IN, true]);
  assert.is(shareEnd(new1, bob, second.clock.now()), 'signedOut');
  assert.match(shareEndMessages.signedOut, 'The owner signed out');
  await second.system.shutdown();
}));

test.run();
