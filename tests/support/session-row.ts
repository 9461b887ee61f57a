// A session row as the server's list has it, for tests of the page: a live shell in default/web
// (nginx) unless told otherwise.
import type { SessionRow } from '../../src/protocol/index.ts';

export function sessionRow(over: Partial<SessionRow> = {}): SessionRow {
  return {
    sessionId: 't1',
    requestId: 'r1',
    target: { namespace: 'default', pod: 'web', container: 'nginx' },
    command: { shell: 'auto' },
    label: 'shell',
    interactive: true,
    requestedBy: 'me',
    state: 'interactive',
    run: 1,
    argv: ['bash'],
    idleTimeoutMs: 300_000,
    startedAt: 1,
    lastActivityAt: 1,
    ...over,
  };
}
