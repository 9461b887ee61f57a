// `inputHeld` goes to every viewer of a session, read-only ones too (an admin watching, a share's
// viewer): a viewer let type later (made a participant) must know its input is held, and one made
// a viewer while held must hear the release, or its client would hold what it types for good.
// Stand-ins for the system and the sockets (data-plane-stand-in.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { DataPlane } from '../../src/server/data-plane.ts';
import { hubOptions } from '../../src/server/hub-options.ts';
import type { Caller } from '../../src/server/caller.ts';
import type { TerminalIoEvents } from '../../src/runtime/terminal-io.ts';
import { project } from '../../src/events/projection.ts';
import { sharesProjection } from '../../src/events/projections/shares.ts';
import { recordingSocket, standIn } from './data-plane-stand-in.ts';

test("a read-only viewer hears inputHeld and its release, and an attach while held says so", () => {
  const { system, row } = standIn();
  Object.assign(row, { person: { user: 'alice', groups: [] } });
  Object.assign(system, { shares: project(sharesProjection, []) }); // no share: the admin watches as an admin
  let held = false;
  const io = system.io as unknown as { isInputHeld: () => boolean; listen: (l: Partial<TerminalIoEvents>) => () => void };
  io.isInputHeld = () => held;
  const listeners: Partial<TerminalIoEvents>[] = [];
  const listen = io.listen;
  io.listen = (l) => (listeners.push(l), listen(l));
  const plane = new DataPlane(system, hubOptions());
  const admin: Caller = { mode: 'proxy', person: { user: 'carol', groups: ['admins'] }, admin: true, signOut: null };
  const watcher = recordingSocket();
  Object.assign(watcher.socket, { caller: admin });
  plane.message(watcher.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  held = true;
  for (const l of listeners) l.inputHeld?.('t1', true);
  held = false;
  for (const l of listeners) l.inputHeld?.('t1', false);
  const said = watcher.got.filter((m) => 'type' in m && m.type === 'inputHeld');
  assert.equal(said, [{ type: 'inputHeld', sessionId: 't1', held: true }, { type: 'inputHeld', sessionId: 't1', held: false }]);
  held = true;
  const late = recordingSocket();
  Object.assign(late.socket, { caller: admin });
  plane.message(late.socket, { type: 'attach', sessionId: 't1', from: 0, ack: true });
  const attached = late.got.find((m) => 'type' in m && m.type === 'attached');
  assert.is(attached && 'inputHeld' in attached ? attached.inputHeld : undefined, true);
  plane.close();
});

test.run();
