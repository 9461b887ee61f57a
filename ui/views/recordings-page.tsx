// The Recordings page: the recorded runs the caller may see (their own; an admin's, everyone's),
// every terminal's or one terminal's (`?session=`), each with Play (in the page) and Download
// (the .cast file). The list is the audit trail's: a run's record links to its recording.
import { useRef, useState } from 'preact/hooks';
import { formatArgv } from '../../src/domain/command-line.ts';
import type { AuditRecord } from '../../src/protocol/index.ts';
import { api, recordingUrl } from '../protocol/http-client.ts';
import { PLAY_MAX_BYTES, READ_PAST_PLAY_MAX, recordedRuns, sizeText, tooLargeToPlay } from '../state/recordings.ts';
import { auditPerson } from '../state/audit.ts';
import { useAppState, useServices } from './context.ts';
import { clock } from './format.ts';
import { AppLink } from './link.tsx';
import { CastPlayer } from './cast-player.tsx';

type Playing = { key: string; title: string } & ({ cast: string; damage: string | null } | { loading: true } | { error: string });

const keyOf = (record: AuditRecord) => `${record.sessionId} ${record.run}`;
const titleOf = (record: AuditRecord) => `${record.target.pod}/${record.target.container ?? ''} ${record.sessionId} run ${record.run}`;

export function RecordingsPage() {
  const state = useAppState();
  const { actions } = useServices();
  const { session } = state.route;
  const runs = recordedRuns(state.audit.records, session);
  const [playing, setPlaying] = useState<Playing | undefined>(undefined);
  // the Play asked for last: an earlier one's cast (a big one, slower) arriving after it is not shown
  const asked = useRef(0);
  const play = async (record: AuditRecord) => {
    const key = keyOf(record);
    const ask = ++asked.current;
    const show = (shown: Playing) => ask === asked.current && setPlaying(shown);
    const tooLarge = tooLargeToPlay(record.recording!.bytes);
    if (tooLarge) return show({ key, title: titleOf(record), error: tooLarge });
    show({ key, title: titleOf(record), loading: true });
    try {
      // a size logged under the limit, or none (a recording still being written): the read itself stops past it
      const cast = await api.recording(record.sessionId!, record.run!, PLAY_MAX_BYTES);
      show('tooLarge' in cast ? { key, title: titleOf(record), error: READ_PAST_PLAY_MAX } : { key, title: titleOf(record), cast: cast.text, damage: cast.damage });
    } catch (error) {
      show({ key, title: titleOf(record), error: (error as Error).message });
    }
  };
  return (
    <section class="page recordings-page" aria-labelledby="recordings-title">
      <div class="page-head">
        <h1 id="recordings-title">Recordings{session ? ` of terminal ${session}` : ''}</h1>
        <span class="muted" role="status" data-testid="recordings-count">
          {state.audit.loaded ? `${runs.length} recorded run${runs.length === 1 ? '' : 's'}` : 'Loading…'}
        </span>
        <span class="spacer" />
        {session && <AppLink to={{ session: undefined }}>Every terminal's</AppLink>}
        <button type="button" disabled={state.audit.loading} onClick={() => void actions.loadAudit()}>
          Refresh
        </button>
      </div>
      {state.info?.recording.mode === 'off' && <p class="hint">This server records nothing now (--record off); recordings made before are listed.</p>}
      {state.audit.error && <p class="error">{state.audit.error}</p>}
      {state.audit.loaded && runs.length === 0 && <p class="muted">No recorded runs. Record a terminal with the Record switch of the Exec dialog, or Record on its tab.</p>}
      {runs.length > 0 && (
        <div class="table-scroll">
          <table class="grid" aria-label="Recorded runs">
            <thead>
              <tr>
                <th>Started</th>
                <th>Person</th>
                <th>Pod / container</th>
                <th>Command</th>
                <th>Run</th>
                <th>Size</th>
                <th class="actions">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((record) => (
                <tr key={keyOf(record)} data-testid="recorded-run">
                  <td>{clock(record.startedAt)}</td>
                  <td>{auditPerson(record)}</td>
                  <td>
                    {record.target.pod}/{record.target.container}
                  </td>
                  <td class="argv">{formatArgv(record.argv)}</td>
                  <td>{record.run}</td>
                  <td title={record.recording!.stopped === 'limit' ? 'stopped at the size limit (--record-max-bytes)' : undefined}>
                    {sizeText(record.recording!.bytes, record.outcome !== undefined)}
                    {record.recording!.stopped === 'limit' ? ' (limit)' : ''}
                    {record.recording!.input ? ' · with keystrokes' : ''}
                  </td>
                  <td class="actions">
                    <button type="button" onClick={() => void play(record)} aria-label={`Play ${titleOf(record)}`}>
                      Play
                    </button>{' '}
                    <a href={recordingUrl(record.sessionId!, record.run!)} download={record.recording!.file} aria-label={`Download ${titleOf(record)} as .cast`}>
                      Download .cast
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {playing && (
        <div class="recording-view">
          <h2>{playing.title}</h2>
          {'loading' in playing && <p class="muted">Loading…</p>}
          {'error' in playing && (
            <p class="error" role="alert">
              {playing.error}
            </p>
          )}
          {'cast' in playing && playing.damage && (
            <p class="panel-message warn" role="alert">
              The recording is damaged on the server: {playing.damage}.
            </p>
          )}
          {'cast' in playing && <CastPlayer key={playing.key} cast={playing.cast} title={playing.title} />}
        </div>
      )}
    </section>
  );
}
