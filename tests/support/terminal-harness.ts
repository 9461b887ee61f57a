// Runs one terminal machine as the child of a tiny parent that records every fact it reports,
// with a recording stand-in for the exec stream, on xstate's SimulatedClock.
import { assign, createActor, fromCallback, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import { terminalMachine, type ExecStreamInput, type StreamCommand, type TerminalEvent, type TerminalInput } from '../../src/machines/terminal.ts';
import type { SessionFact } from '../../src/machines/facts.ts';

export interface StreamRecord {
  input: ExecStreamInput;
  commands: StreamCommand[];
  stopped: boolean;
}

export function terminalInput(overrides: Partial<TerminalInput> = {}): TerminalInput {
  return {
    sessionId: 't1',
    target: { namespace: 'default', pod: 'web', container: 'nginx' },
    command: { shell: 'auto' },
    interactive: true,
    autoShells: ['bash', 'sh'],
    size: { cols: 80, rows: 24 },
    idleNoticeMs: 60_000,
    idleTimeoutMs: 300_000,
    connectTimeoutMs: 30_000,
    ...overrides,
  };
}

export function startTerminal(overrides: Partial<TerminalInput> = {}) {
  const clock = new SimulatedClock();
  const streams: StreamRecord[] = [];
  const terminal = terminalMachine.provide({
    actors: {
      execStream: fromCallback<StreamCommand, ExecStreamInput>(({ input, receive }) => {
        const record: StreamRecord = { input, commands: [], stopped: false };
        streams.push(record);
        receive((command) => record.commands.push(command));
        return () => {
          record.stopped = true;
        };
      }),
    },
  });
  const parent = setup({
    types: { context: {} as { facts: SessionFact[] }, events: {} as { type: 'terminal.fact'; fact: SessionFact } | { type: 'forward'; event: TerminalEvent } },
    actors: { terminal },
  }).createMachine({
    context: { facts: [] },
    invoke: { id: 'terminal', src: 'terminal', input: () => terminalInput(overrides) },
    on: {
      'terminal.fact': { actions: assign({ facts: ({ context, event }) => [...context.facts, event.fact] }) },
    },
  });
  const actor = createActor(parent, { clock }).start();
  const child = () => actor.getSnapshot().children.terminal as AnyActorRef;
  return {
    clock,
    streams,
    send(event: TerminalEvent) {
      child()?.send(event);
    },
    get state() {
      return child()?.getSnapshot().value as unknown;
    },
    get context() {
      return child()?.getSnapshot().context;
    },
    get status() {
      return child()?.getSnapshot().status as string | undefined;
    },
    get facts() {
      return actor.getSnapshot().context.facts;
    },
    factTypes() {
      return actor.getSnapshot().context.facts.map((fact) => fact.type);
    },
    /** SimulatedClock jumps straight to the target: step in seconds so timers armed by timers start on time. */
    advance(ms: number, stepMs = 1000) {
      for (let left = ms; left > 0; left -= stepMs) clock.increment(Math.min(stepMs, left));
    },
  };
}
