// `octant-exec log compact`: what the server does every hour, now.
import process from 'node:process';
import { DEFAULT_SNAPSHOT_POLICY } from '../../runtime/exec-system.ts';
import { compactionPolicy, DEFAULT_RETENTION } from '../../runtime/log-upkeep.ts';
import type { LogOptions } from './log-command.ts';
import { wholeNumber } from '../usage.ts';

export async function compactCommand({ store, retain, retainAudit }: LogOptions): Promise<number> {
  const retention = { days: days('--retain', retain, DEFAULT_RETENTION.days), auditDays: days('--retain-audit', retainAudit, DEFAULT_RETENTION.auditDays) };
  const problems: string[] = [];
  const policy = compactionPolicy(store, retention, Date.now(), (message) => problems.push(message));
  for (const problem of problems) process.stderr.write(`octant-exec log compact: ${problem}\n`);
  if (!policy) {
    process.stdout.write(`nothing to compact yet: compaction needs two usable snapshots, which the server writes every ${DEFAULT_SNAPSHOT_POLICY.everyEntries.toLocaleString('en-US')} entries or ${DEFAULT_SNAPSHOT_POLICY.everyMs / 60_000} minutes (by default), and when it stops\n`);
    return 0;
  }
  const report = await store.compact(policy);
  if (report.busy) {
    process.stderr.write(`octant-exec log compact: ${report.busy}; try again once it is over\n`);
    return 1;
  }
  if (report.rewritten === 0) {
    process.stdout.write(`nothing to remove through seq ${policy.through}: the log is as it was (the segment being written is never compacted)\n`);
    return 0;
  }
  process.stdout.write(`compacted through seq ${policy.through}: ${report.removed.toLocaleString('en-US')} entries removed, ${report.auditRecords} audit records kept in place of removed runs, ${report.rewritten} segments rewritten\n`);
  return 0;
}

/** Days as the serve command takes them (0 keeps everything). */
function days(flag: string, text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : wholeNumber(flag, text, 0, 36_500);
}
