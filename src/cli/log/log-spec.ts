// The flags of `octant-exec log`. Plain data, loaded for --help and completion without the event log code.
import type { CommandSpec } from '../flags.ts';

export const logSpec = {
  name: 'log',
  usage: 'octant-exec log COMMAND [options]',
  summary: 'look after the event log: stats, verify, compact, export',
  about: 'Looks after the event log in a state directory, also while a server runs on it. A log\nthat replicas share in PostgreSQL (--store) is the database\'s to look after: GET\n/api/v1/audit and /api/v1/events read it.',
  subcommands: {
    stats: 'entries, segments, snapshots, bytes, the oldest entry',
    verify: 'checks every line and every snapshot, and that no entry went missing;\nlists each problem; exit 1 on damage',
    compact: 'removes now what retention allows (the server does it every hour):\nactivity of ended sessions, and sessions closed and quiet for --retain\ndays, keeping one audit record per run',
    export: 'the audit trail (one record per run: who, target, argv, start, end,\nhow it ended) as JSON Lines on stdout, oldest first; on a damaged\nlog, every record it can make, what was skipped on stderr, and exit 1',
  },
  flags: {
    'state-dir': { type: 'string', value: 'DIR', help: '(default $XDG_STATE_HOME/octant-exec, else ~/.local/state/octant-exec)', completes: 'file' },
    json: { type: 'boolean', help: 'stats: one JSON object' },
    retain: { type: 'string', value: 'DAYS', help: 'compact: (default 90; 0 keeps every session)' },
    'retain-audit': { type: 'string', value: 'DAYS', help: 'compact: remove kept audit records this old too (default 0: keep)' },
    since: { type: 'string', value: 'DATE', help: 'export: runs started at or after DATE (2026-01-31, or an ISO time)' },
  },
} as const satisfies CommandSpec;
