// The flags of `octant-exec sign-out`. Plain data, loaded for --help and completion without the client code.
import type { CommandSpec } from '../flags.ts';
import { serverFlags } from '../server/server-flags.ts';

export const signOutSpec = {
  name: 'sign-out',
  usage: 'octant-exec sign-out [options]',
  summary: 'end the session `octant-exec sign-in` kept for a server',
  about: `Ends the session \`octant-exec sign-in\` made with the server: the server forgets it at once
(a copy of it is worth nothing from then on), and so does this machine.`,
  flags: {
    json: { type: 'boolean', help: 'what was done, as one JSON object on stdout' },
    server: serverFlags.server,
  },
  footer: `Exit status: 0 when signed out, or when there was nothing to sign out of (a server there that
knows no such sign-in: it is forgotten here); 1 when the server could not be reached or failed
(the session is kept here: run it again later; it ends by itself when its time is up); 2 for a
usage error.`,
} as const satisfies CommandSpec;
