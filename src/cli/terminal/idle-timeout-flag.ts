// --idle-timeout for the terminal commands: how long the server lets this terminal sit with no
// input and no output before it ends it. A long quiet command (a build that prints at the end, a
// `sleep`) outlives the server's default only when asked: the server bounds it as the page's.
import type { FlagSpec } from '../flags.ts';
import { wholeNumber } from '../usage.ts';

/** The server's own bound (exec-body.ts): a day. */
const MOST_SECONDS = 86_400;

export const idleTimeoutFlag = {
  'idle-timeout': {
    type: 'string',
    value: 'SECS',
    help: `end it after SECS (1 to ${MOST_SECONDS}) with no input and no output\n(default: the server's, 300 unless it was started with another)`,
  },
} as const satisfies Record<string, FlagSpec>;

/** The exec request's part for the flag, when given. */
export function idleTimeoutRequest(values: { 'idle-timeout'?: string }): { idleTimeoutSeconds?: number } {
  const given = values['idle-timeout'];
  return given === undefined ? {} : { idleTimeoutSeconds: wholeNumber('--idle-timeout', given, 1, MOST_SECONDS) };
}
