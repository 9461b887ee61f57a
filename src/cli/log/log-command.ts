// `octant-exec log`: look after the event log of a state directory (stats, verify, compact,
// export). Each reads the directory of a server that may be running without harming it:
// reading changes nothing, and compaction only rewrites sealed segments, under a lock.
import process from 'node:process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileStore } from '../../events/file-store.ts';
import { LEGACY_LOG, LOG_DIR, SNAPSHOT_DIR } from '../../events/files/layout.ts';
import type { ParsedArgs } from '../flags.ts';
import { defaultStateDir } from '../state-dir.ts';
import { UsageError } from '../usage.ts';
import { compactCommand } from './log-compact.ts';
import { exportCommand } from './log-export.ts';
import type { logSpec } from './log-spec.ts';
import { statsCommand } from './log-stats.ts';
import { verifyCommand } from './log-verify.ts';

const commands = { stats: statsCommand, verify: verifyCommand, compact: compactCommand, export: exportCommand };
/** the flags each subcommand takes besides --state-dir: any other is refused, not silently ignored */
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

export async function logCommand({ values, subcommand, operands }: ParsedArgs<typeof logSpec>): Promise<number> {
  const name = subcommand as keyof typeof commands;
  if (operands.length) throw new UsageError(`log ${name} takes no arguments, not "${operands.join(' ').slice(0, 60)}"`);
  const stray = Object.keys(values).find((flag) => flag !== 'state-dir' && values[flag as keyof typeof values] !== undefined && !takes[name].includes(flag));
  if (stray) throw new UsageError(`--${stray} does not apply to log ${name}`);
  const stateDir = values['state-dir'] || defaultStateDir();
  if (!existsSync(stateDir)) {
    process.stderr.write(`octant-exec log: there is no state directory at ${stateDir}: give the server's --state-dir\n`);
    return 1;
  }
  // one this user may not read would look empty below: say so, as the folder is what is wrong
  try {
    accessSync(stateDir, constants.R_OK | constants.X_OK);
  } catch (error) {
    process.stderr.write(`octant-exec log: ${stateDir} cannot be read (${(error as NodeJS.ErrnoException).code}): run this as the user the server runs as, or with the rights to read it\n`);
    return 1;
  }
  // a folder with none of a log's parts is a mistyped --state-dir, not an empty log that is "ok"
  if (![LEGACY_LOG, LOG_DIR, SNAPSHOT_DIR].some((part) => existsSync(join(stateDir, part)))) {
    process.stderr.write(`octant-exec log: ${stateDir} holds no event log (no ${LOG_DIR}/, ${SNAPSHOT_DIR}/ or ${LEGACY_LOG}): give the server's --state-dir (replicas sharing a log in PostgreSQL, --store, keep it in the database, which these commands do not read: GET /api/v1/audit and /api/v1/events do)\n`);
    return 1;
  }
  const warnings: string[] = [];
  const store = new FileStore(stateDir, { warn: (message) => warnings.push(message) });
  try {
    return await commands[name]({ store, warnings, json: !!values.json, retain: values.retain, retainAudit: values['retain-audit'], since: values.since });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`octant-exec log ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}
