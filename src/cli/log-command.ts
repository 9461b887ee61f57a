// `octant-exec log`: look after the event log of a state directory (stats, verify, compact,
// export). Each reads the directory of a server that may be running without harming it:
// reading changes nothing, and compaction only rewrites sealed segments, under a lock.
import process from 'node:process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FileStore } from '../events/file-store.ts';
import { DEFAULT_RETENTION } from '../runtime/log-upkeep.ts';
import { compactCommand } from './log-compact.ts';
import { exportCommand } from './log-export.ts';
import { statsCommand } from './log-stats.ts';
import { verifyCommand } from './log-verify.ts';
import { defaultStateDir } from './state-dir.ts';
import { UsageError } from './usage.ts';

const help = `Usage: octant-exec log COMMAND [options]

Looks after the event log in a state directory, also while a server runs on it.

Commands:
  stats                  entries, segments, snapshots, bytes, the oldest entry
  verify                 checks every line and every snapshot, lists each problem; exit 1 on damage
  compact                removes now what retention allows (the server does it every hour):
                         activity of ended sessions, and sessions closed and quiet for --retain
                         days, keeping one audit record per run
  export                 the audit trail (one record per run: who, target, argv, start, end,
                         how it ended) as JSON Lines on stdout, oldest first
Options:
  --state-dir DIR        (default $XDG_STATE_HOME/octant-exec, else ~/.local/state/octant-exec)
  --json                 stats: one JSON object
  --retain DAYS          compact: (default ${DEFAULT_RETENTION.days}; 0 keeps every session)
  --retain-audit DAYS    compact: remove kept audit records this old too (default 0: keep)
  --since DATE           export: runs started at or after DATE (2026-01-31, or an ISO time)
`;

const commands = { stats: statsCommand, verify: verifyCommand, compact: compactCommand, export: exportCommand };
/** the flags each command takes besides --state-dir: any other is refused, not silently ignored */
const takes: Record<keyof typeof commands, string[]> = { stats: ['json'], verify: [], compact: ['retain', 'retain-audit'], export: ['since'] };

export interface LogOptions {
  store: FileStore;
  /** what the store said while it was read (stray files, an unreadable marker) */
  warnings: string[];
  json: boolean;
  retain?: string;
  retainAudit?: string;
  since?: string;
}

export async function logCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'state-dir': { type: 'string' },
        json: { type: 'boolean' },
        retain: { type: 'string' },
        'retain-audit': { type: 'string' },
        since: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const name = positionals[0];
  if (positionals.length !== 1 || !(name in commands)) return usage(name === undefined ? 'which command? stats, verify, compact or export' : `unknown command "${positionals.join(' ').slice(0, 60)}": use stats, verify, compact or export`);
  const stray = Object.keys(values).find((flag) => flag !== 'state-dir' && !takes[name as keyof typeof commands].includes(flag));
  if (stray) return usage(`--${stray} does not apply to log ${name}`);
  const stateDir = values['state-dir'] || defaultStateDir();
  if (!existsSync(stateDir)) {
    process.stderr.write(`octant-exec log: there is no state directory at ${stateDir}: give the server's --state-dir\n`);
    return 1;
  }
  const warnings: string[] = [];
  const store = new FileStore(stateDir, { warn: (message) => warnings.push(message) });
  try {
    return await commands[name as keyof typeof commands]({ store, warnings, json: !!values.json, retain: values.retain, retainAudit: values['retain-audit'], since: values.since });
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    process.stderr.write(`octant-exec log ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

function usage(message: string): number {
  process.stderr.write(`octant-exec log: ${message} (see octant-exec log --help)\n`);
  return 2;
}
