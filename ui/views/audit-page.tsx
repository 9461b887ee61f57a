// The Audit page (team mode, for admins): one row per run — when, who (and their groups), where,
// what, whether interactive, how it ended — filtered by person, pod and outcome here in the page,
// and "Export JSON Lines" of what the filters show. The server sends its latest runs only;
// `octant-exec log export` has the whole history.
import { formatArgv } from '../../src/domain/command-line.ts';
import { AUDIT_RECORDS_KEPT } from '../../src/events/projections/audit-trail.ts';
import { auditChoices, auditPerson, exportFileName, filterAudit, newestFirst, OUTCOME_KINDS, outcomeKind, outcomeText, toJsonLines, type OutcomeKind } from '../state/audit.ts';
import { useAppState, useServices } from './context.ts';
import { download } from './format.ts';

const tones: Record<OutcomeKind, string> = { running: 'busy', exited: 'done', failed: 'bad', timedOut: 'warn', disconnected: 'warn', stopped: 'quiet', closed: 'quiet', refused: 'bad' };

export function AuditPage() {
  const state = useAppState();
  const { actions } = useServices();
  const { audit } = state;
  const { filter } = audit;
  const choices = auditChoices(audit.records);
  const shown = filterAudit(audit.records, filter);
  const rows = newestFirst(shown);
  return (
    <section class="page audit-page" aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">Audit</h1>
        <span class="muted" role="status" data-testid="audit-count">
          {audit.loaded ? `${shown.length} of ${audit.records.length} runs` : 'Loading…'}
        </span>
        <span class="spacer" />
        <button type="button" disabled={audit.loading} onClick={() => void actions.loadAudit()}>
          Refresh
        </button>
        <button type="button" disabled={shown.length === 0} title="Download the runs shown, one JSON object per line" onClick={() => download(exportFileName(new Date()), toJsonLines(shown), 'application/x-ndjson')}>
          Export JSON Lines
        </button>
      </div>
      <p class="hint">
        The server keeps its latest {AUDIT_RECORDS_KEPT} runs; <code>octant-exec log export</code> on the server writes the whole history (the same JSON Lines).
      </p>
      <div class="filters" role="search" aria-label="Filter the audit trail">
        <span class="inline">
          <label for="audit-person">Person</label>
          <select id="audit-person" value={filter.person} onChange={(e) => actions.setAuditFilter({ person: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">Everyone</option>
            {choices.people.map((person) => (
              <option key={person} value={person}>
                {person}
              </option>
            ))}
          </select>
        </span>
        <span class="inline">
          <label for="audit-pod">Pod</label>
          <select id="audit-pod" value={filter.pod} onChange={(e) => actions.setAuditFilter({ pod: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">Every pod</option>
            {choices.pods.map((pod) => (
              <option key={pod} value={pod}>
                {pod}
              </option>
            ))}
          </select>
        </span>
        <span class="inline">
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" value={filter.outcome} onChange={(e) => actions.setAuditFilter({ outcome: (e.currentTarget as HTMLSelectElement).value as OutcomeKind | '' })}>
            <option value="">Any</option>
            {OUTCOME_KINDS.map(({ kind, text }) => (
              <option key={kind} value={kind}>
                {text}
              </option>
            ))}
          </select>
        </span>
      </div>
      {audit.error && <p class="error">{audit.error}</p>}
      {audit.loaded && rows.length === 0 && !audit.error && <p class="muted">{audit.records.length ? 'No run matches these filters.' : 'No runs yet.'}</p>}
      {rows.length > 0 && (
        <div class="table-scroll">
          <table class="grid compact" aria-label="Audit trail">
            <thead>
              <tr>
                <th>Time</th>
                <th>Who</th>
                <th>Where</th>
                <th>Command</th>
                <th>Interactive</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((record) => {
                const where = [record.target.namespace, record.target.pod, record.target.container].filter(Boolean).join('/');
                return (
                  <tr key={`${record.requestId} ${record.sessionId ?? ''} ${record.run ?? ''}`} data-request={record.requestId}>
                    <td title={new Date(record.startedAt).toISOString()}>{new Date(record.startedAt).toLocaleString()}</td>
                    <td>
                      {auditPerson(record)}
                      {record.person && record.person.groups.length > 0 && <span class="muted groups"> ({record.person.groups.join(', ')})</span>}
                      {record.joined && record.joined.length > 0 && (
                        <div class="muted joined" data-testid="joined">
                          joined: {record.joined.map((j) => `${j.who} (${j.role}, ${new Date(j.at).toLocaleTimeString()}${j.typedAt === undefined ? '' : `, typed ${new Date(j.typedAt).toLocaleTimeString()}`})`).join(', ')}
                        </div>
                      )}
                    </td>
                    <td class="mono">{where}</td>
                    <td class="mono">{record.argv.length ? formatArgv(record.argv) : '—'}</td>
                    <td>{record.interactive ? 'yes' : 'no'}</td>
                    <td>
                      <span class={`badge tone-${tones[outcomeKind(record)]}`}>{outcomeText(record)}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
