// A participant's keystrokes typed while the shared terminal is still connecting (the data plane
// holds them until its stream opens) are logged as theirs, as typing into a live one is: the
// audit trail cannot miss who typed by typing early. They reach the owner's shell when the stream
// opens only if the share still lets them type then: revoked, made a viewer, or their socket gone
// meanwhile, they are dropped (the owner's own held keys still go). A stand-in system, no cluster.
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
import type { TerminalIoEvents } from '../../src/runtime/terminal-io.ts';

/** alice's terminal, connecting, shared with bob as a participant; each of them on a socket, attached */
function connectingShare() {
  const row = { sessionId: 't1', target: { namespace: 'default', pod: 'web', container: 'nginx' }, interactive: true, state: 'connecting', person: { user: 'alice', groups: [] } } as unknown as SessionRow;
  const logged: ShareFact[] = [];
  const written: string[] = [];
  const entries: LogEntry[] = [{ type: 'share.created', shareId: 's1', sessionId: 't1', role: 'participant', expiresAt: Date.now() + 60_000, by: 'alice', users: ['bob'], seq: 1, time: Date.now() } as LogEntry];
  const entryListeners: ((entry: LogEntry) => void)[] = [];
  let io: Partial<TerminalIoEvents> | undefined;
  /** a share fact into the log, which every replica's hub hears */
  const logs = (fact: ShareFact) => {
    logged.push(fact);
    const entry = { ...fact, seq: entries.length + 1, time: Date.now() } as LogEntry;
    entries.push(entry);
    system.shares = project(sharesProjection, entries);
    for (const listener of entryListeners) listener(entry);
  };
  const system = {
    io: {
      listen: (events: Partial<TerminalIoEvents>) => ((io = events), () => {}),
      input: (_id: string, bytes: Uint8Array) => row.state !== 'connecting' && written.push(new TextDecoder().decode(bytes)) > 0,
      dropsInput: () => false,
      isRunning: () => row.state !== 'connecting',
      isInputHeld: () => false,
      pause: () => {},
      resume: () => {},
    },
    sessionList: { byId: { t1: row } as Record<string, SessionRow> },
    shares: project(sharesProjection, entries),
    share: logs,
    onEntry: (listener: (entry: LogEntry) => void) => (entryListeners.push(listener), () => {}),
    holds: () => true,
  } as unknown as ExecSystem & { shares: unknown };
  const plane = new DataPlane(system, hubOptions());
  const got: ServerMessage[] = [];
  const socketOf = (caller: Caller): HubSocket => ({ send: (m) => void got.push(m), sendLatest: (_key, m) => void got.push(m), owedForGone: () => {}, sendFrame: () => true, error: (code, message) => void got.push({ type: 'error', code, message }), inputBytes: new TokenBucket(1e6, 1e6), caller });
  const alice = socketOf({ mode: 'proxy', person: { user: 'alice', groups: [] }, admin: false, signOut: null });
  const bob = socketOf({ mode: 'proxy', person: { user: 'bob', groups: [] }, admin: false, signOut: null });
  for (const socket of [alice, bob]) plane.message(socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  const type = (socket: HubSocket, text: string) => plane.input(socket, encodeFrame(FrameKind.Input, 't1', new TextEncoder().encode(text)));
  return {
    plane, got, logged, written, alice, bob, type,
    logs,
    /** the exec connected: its stream opens */
    opens() {
      Object.assign(row, { state: 'interactive' });
      io!.streamOpened!('t1', 1, [], false);
    },
  };
}

test('typing while the shared terminal connects is held, and logged as share.typed', () => {
  const { plane, got, logged, type, bob } = connectingShare();
  assert.ok(got.some((m) => m.type === 'attached'), JSON.stringify(got));
  type(bob, 'ls\r');
  assert.not.ok(got.some((m) => m.type === 'error'), JSON.stringify(got));
  assert.equal(logged.map((f) => [f.type, 'who' in f ? f.who : '']), [['share.joined', 'bob'], ['share.typed', 'bob']]);
  plane.close();
});

test("the participant's held keys reach the shell when it opens, in order with the owner's, while the share lets them type", () => {
  const { plane, written, type, alice, bob, opens } = connectingShare();
  type(alice, 'echo a\r');
  type(bob, 'echo b\r');
  opens();
  assert.equal(written, ['echo a\r', 'echo b\r']);
  plane.close();
});

for (const [what, meanwhile] of [
  ['the owner revoked the share', (s) => s.logs({ type: 'share.revoked', shareId: 's1', sessionId: 't1' })],
  ['the owner made them a viewer', (s) => s.logs({ type: 'share.roleChanged', shareId: 's1', sessionId: 't1', who: 'bob', role: 'viewer' })],
  ['the owner removed them', (s) => s.logs({ type: 'share.removed', shareId: 's1', sessionId: 't1', who: 'bob' })],
  ["the participant's socket closed", (s) => s.plane.disconnected(s.bob)],
] as const satisfies readonly (readonly [string, (s: ReturnType<typeof connectingShare>) => void])[]) {
  test(`${what} before the stream opened: the participant's held keys are dropped, the owner's go`, async () => {
    const share = connectingShare();
    share.type(share.bob, 'rm -rf /important\r');
    share.type(share.alice, 'echo mine\r');
    meanwhile(share);
    await new Promise((resolve) => setImmediate(resolve)); // a share's end reaches its sockets from the log entry, a turn later
    share.opens();
    assert.equal(share.written, ['echo mine\r']);
    share.plane.close();
  });
}

test.run();
