// The read models of the log (session list, audit trail, recordings, alerts, batches, shares),
// kept current as entries come. Entries are folded in when a model is read, or every few thousand
// entries, so a burst costs one immer copy and a long replay never holds more than a batch of entries.
import type { LogEntry } from '../events/log-entry.ts';
import { applyEntries } from '../events/projection.ts';
import { alertsProjection, type Alerts } from '../events/projections/alerts.ts';
import { auditTrailProjection, type AuditTrail } from '../events/projections/audit-trail.ts';
import { recordingsFromTrail, recordingsProjection, type Recordings } from '../events/projections/recordings.ts';
import { batchesProjection, type Batches } from '../events/projections/batches.ts';
import { sessionListProjection, type SessionList } from '../events/projections/session-list.ts';
import { sharesProjection, type Shares } from '../events/projections/shares.ts';

export interface ProjectionModels {
  sessionList: SessionList;
  auditTrail: AuditTrail;
  recordings: Recordings;
  alerts: Alerts;
  batches: Batches;
  shares: Shares;
}

const FOLD_EVERY = 5_000;

export class ProjectionSet {
  #models: ProjectionModels;
  #unfolded: LogEntry[] = [];

  constructor(models?: Partial<ProjectionModels>) {
    this.#models = {
      sessionList: models?.sessionList ?? sessionListProjection.initial(),
      auditTrail: models?.auditTrail ?? auditTrailProjection.initial(),
      // a snapshot from before this list: what its trail holds
      recordings: models?.recordings ?? (models?.auditTrail ? recordingsFromTrail(models.auditTrail) : recordingsProjection.initial()),
      alerts: models?.alerts ?? alertsProjection.initial(),
      batches: models?.batches ?? batchesProjection.initial(),
      // a snapshot from before shares has none (none could have been made)
      shares: models?.shares ?? sharesProjection.initial(),
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
      recordings: applyEntries(recordingsProjection, m.recordings, entries),
      alerts: applyEntries(alertsProjection, m.alerts, entries),
      batches: applyEntries(batchesProjection, m.batches, entries),
      shares: applyEntries(sharesProjection, m.shares, entries),
    };
  }
}
