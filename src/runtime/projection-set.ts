// The read models of the log (session list, audit trail, alerts, batches), kept current as
// entries come. Entries are folded in when a model is read, or every few thousand entries, so a
// burst costs one immer copy and a long replay never holds more than a batch of entries.
import type { LogEntry } from '../events/log-entry.ts';
import { applyEntries } from '../events/projection.ts';
import { alertsProjection, type Alerts } from '../events/projections/alerts.ts';
import { auditTrailProjection, type AuditTrail } from '../events/projections/audit-trail.ts';
import { batchesProjection, type Batches } from '../events/projections/batches.ts';
import { sessionListProjection, type SessionList } from '../events/projections/session-list.ts';

export interface ProjectionModels {
  sessionList: SessionList;
  auditTrail: AuditTrail;
  alerts: Alerts;
  batches: Batches;
}

const FOLD_EVERY = 5_000;

export class ProjectionSet {
  #models: ProjectionModels;
  #unfolded: LogEntry[] = [];

  constructor(models?: ProjectionModels) {
    this.#models = models ?? {
      sessionList: sessionListProjection.initial(),
      auditTrail: auditTrailProjection.initial(),
      alerts: alertsProjection.initial(),
      batches: batchesProjection.initial(),
    };
  }

  add(entry: LogEntry): void {
    this.#unfolded.push(entry);
    if (this.#unfolded.length >= FOLD_EVERY) this.#fold();
  }

  /** Every model, up to date. */
  get models(): ProjectionModels {
    this.#fold();
    return this.#models;
  }

  #fold(): void {
    if (this.#unfolded.length === 0) return;
    const entries = this.#unfolded;
    this.#unfolded = [];
    const m = this.#models;
    this.#models = {
      sessionList: applyEntries(sessionListProjection, m.sessionList, entries),
      auditTrail: applyEntries(auditTrailProjection, m.auditTrail, entries),
      alerts: applyEntries(alertsProjection, m.alerts, entries),
      batches: applyEntries(batchesProjection, m.batches, entries),
    };
  }
}
