// A participant's keystrokes typed while the shared terminal is still connecting (the data plane
// holds them until its stream opens) are logged as theirs, as typing into a live one is: the
// audit trail cannot miss who typed by typing early. A stand-in system, no cluster.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import type { Caller } from '../../src/server/caller.ts';
import type { HubSocket } from '../../src/server/hub-sockets.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { ServerMessage, SessionRow } from '../../src/protocol/index.ts';
import { FrameKind, encodeFrame } from '../../src/protocol/frames.ts';
import { TokenBucket } from '../../src/domain/token-bucket.ts';
import { project } from '../../src/events/projection.ts';
import { sharesProjection } from '../../src/events/projections/shares.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { ShareFact } from '../../src/domain/share.ts';

test('typing while the shared terminal connects is held, and logged as share.typed', () => {
  const row = { sessionId: 't1', target: { namespace: 'default', pod: 'web', container: 'nginx' }, interactive: true, state: 'connecting', person: { user: 'alice', groups: [] } } as unknown as SessionRow;
  const logged: ShareFact[] = [];
  const system = {
    io: { listen: () => () => {}, input: () => false, dropsInput: () => false, isRunning: () => false },
    sessionList: { byId: { t1: row } as Record<string, SessionRow> },
    shares: project(sharesProjection, [{ type: 'share.created', shareId: 's1', sessionId: 't1', role: 'participant', expiresAt: Date.now() + 60_000, by: 'alice', users: ['bob'], seq: 1, time: Date.now() } as LogEntry]),
    share: (fact: ShareFact) => void logged.push(fact),
    onEntry: () => () => {},
    holds: () => true,
  } as unknown as ExecSystem;
  const plane = new DataPlane(system, hubOptions());
  const got: ServerMessage[] = [];
  const bob: Caller = { mode: 'proxy', person: { user: 'bob', groups: [] }, admin: false, signOut: null };
  const socket: HubSocket = { send: (m) => void got.push(m), sendLatest: (_key, m) => void got.push(m), owedForGone: () => {}, sendFrame: () => true, error: (code, message) => void got.push({ type: 'error', code, message }), inputBytes: new TokenBucket(1e6, 1e6), caller: bob };
  plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  assert.ok(got.some((m) => m.type === 'attached'), JSON.stringify(got));
  plane.input(socket, encodeFrame(FrameKind.Input, 't1', new TextEncoder().encode('ls\r')));
  assert.not.ok(got.some((m) => m.type === 'error'), JSON.stringify(got));
  assert.equal(logged.map((f) => [f.type, 'who' in f ? f.who : '']), [['share.joined', 'bob'], ['share.typed', 'bob']]);
  plane.close();
});

test.run();
