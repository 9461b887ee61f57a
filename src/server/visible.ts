// What a caller may see of the log's projections: in local mode everything; in a team mode their
// own terminals, batches, alerts and audit records, or everyone's for an admin. The API and the
// socket both read through here, so a person's view is the same on every route.
import type { Alert } from '../events/projections/alerts.ts';
import type { AuditRecord } from '../events/projections/audit-trail.ts';
import type { BatchRow } from '../events/projections/batches.ts';
import type { SessionRow } from '../events/projections/session-list.ts';
import type { ExecSystem } from '../runtime/exec-system.ts';
import { batchViews } from './batch-view.ts';
import { owns, sees, type Caller } from './caller.ts';

export function visibleSessions(system: ExecSystem, caller: Caller): SessionRow[] {
  const list = system.sessionList;
  return list.order.map((id) => list.byId[id]).filter((row) => sees(caller, row.person));
}

/**
 * A terminal's alerts are its owner's, an admin's included (watching someone's terminal is no reason
 * to be alerted about it), and so are a batch's; the log's own (`storage`, no session) concern everyone but a share link's browser.
 */
export function visibleAlerts(system: ExecSystem, caller: Caller): Alert[] {
  // a share link's browser is nobody's here: the server's own troubles (a log path) are not its business
  if (caller.share) return [];
  const rows = system.sessionList.byId;
  return system.alerts.list.filter((alert) => {
    const batch = alert.batchId === undefined ? undefined : system.batches.byId[alert.batchId];
    if (alert.batchId !== undefined) return batch !== undefined && owns(caller, batch.person);
    return alert.sessionId === '' || (rows[alert.sessionId] !== undefined && owns(caller, rows[alert.sessionId].person));
  });
}

export function visibleBatches(system: ExecSystem, caller: Caller): BatchRow[] {
  return batchViews(system.batches).filter((row) => sees(caller, row.person));
}

export function visibleAudit(system: ExecSystem, caller: Caller): AuditRecord[] {
  const records = system.auditTrail.records;
  return caller.admin ? records : records.filter((record) => sees(caller, record.person));
}
