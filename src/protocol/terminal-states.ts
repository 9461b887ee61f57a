// A terminal's states as the session list shows them, and which of them are over: an ended
// terminal keeps its screen, can be restarted, and counts toward no limit. `stopped`: its run was
// ended on purpose (its batch was cancelled).
export const TERMINAL_STATES = ['connecting', 'interactive', 'idle', 'timedOut', 'disconnected', 'exited', 'failed', 'stopped'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

export const ENDED_STATES = ['timedOut', 'disconnected', 'exited', 'failed', 'stopped'] as const satisfies readonly TerminalState[];
export type EndedState = (typeof ENDED_STATES)[number];

export function isEnded(state: TerminalState): state is EndedState {
  return (ENDED_STATES as readonly string[]).includes(state);
}

export function isRunning(state: TerminalState): boolean {
  return !isEnded(state);
}
