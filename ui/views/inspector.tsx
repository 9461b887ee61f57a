// The Inspector: the event log newest first (filter by session), the live snapshot of every
// actor, and, for a chosen event, the session list as it was then, replayed here from the log
// with the server's own projection. The log is one Tab stop, as the tab bar is (hundreds of events
// are not hundreds of Tab presses on the way past it): the arrow keys, Home and End move along it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogEntry, SessionRow } from '../../src/protocol/index.ts';
import { sessionListAt } from '../state/inspector-feed.ts';
import { badge, commandLabel } from '../state/app-state.ts';
import { useSelect, useServices } from './context.ts';
import { clock } from './format.ts';

function summary(entry: LogEntry): string {
  const { seq: _s, time: _t, type: _ty, ...rest } = entry as LogEntry & Record<string, unknown>;
  const fields = rest as Record<string, unknown>;
  delete fields.sessionId;
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ')
    .slice(0, 240);
}

export function Inspector() {
  const { inspector } = useServices();
  const feed = useSelect(inspector.store, (s) => s);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  useEffect(() => inspector.activate(), [inspector]);

  // every session the log mentions, named by where it ran
  const sessions = useMemo(() => {
    const named = new Map<string, string>();
    for (const e of feed.entries) {
      if (e.type === 'session.spawned') named.set(e.sessionId, `${e.sessionId} · ${e.target.namespace}/${e.target.pod}/${e.target.container}`);
      else if ('sessionId' in e && !named.has(e.sessionId)) named.set(e.sessionId, e.sessionId);
    }
    return [...named];
  }, [feed.entries]);
  const shown = useMemo(() => feed.entries.filter((e) => !filter || ('sessionId' in e && e.sessionId === filter)).slice().reverse(), [feed.entries, filter]);
  const replayed = useMemo(() => (chosen === undefined ? undefined : sessionListAt(feed.entries, chosen)), [feed.entries, chosen]);
  // the log's Tab stop: the event the keys last moved to, else the chosen one, else the newest
  const [current, setCurrent] = useState<number | undefined>(undefined);
  const stop = [current, chosen].find((seq) => shown.some((e) => e.seq === seq)) ?? shown[0]?.seq;
  const log = useRef<HTMLOListElement>(null);
  /** Moves the focus along the log for a key of MOVES (whether it was one: its default, a scroll, is then not wanted). */
  const moveTo = (key: string, from: number): boolean => {
    if (!MOVES.has(key)) return false;
    const at = key === 'ArrowDown' ? Math.min(from + 1, shown.length - 1) : key === 'ArrowUp' ? Math.max(from - 1, 0) : key === 'Home' ? 0 : shown.length - 1;
    setCurrent(shown[at].seq);
    log.current?.querySelectorAll<HTMLElement>('button.event')[at]?.focus();
    return true;
  };

  return (
    <section class="page inspector" aria-labelledby="inspector-title">
      <div class="page-head">
        <h1 id="inspector-title">Inspector</h1>
        <span class="muted">{feed.entries.length} events{feed.loading ? ' · updating…' : ''}</span>
        <span class="spacer" />
        <span class="inline">
          <label for="inspector-session">Session</label>
          <select id="inspector-session" value={filter} onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">All sessions</option>
            {sessions.map(([id, text]) => (
              <option key={id} value={id}>
                {text}
              </option>
            ))}
          </select>
        </span>
      </div>
      {feed.error && <p class="error">{feed.error}</p>}
      <div class="inspector-grid">
        <div class="event-log">
          <h2>Event log</h2>
          <ol class="events" aria-label="Events, newest first" reversed ref={log}>
            {shown.map((entry, at) => (
              <li key={entry.seq}>
                <button
                  type="button"
                  class="event"
                  aria-pressed={chosen === entry.seq}
                  tabIndex={entry.seq === stop ? 0 : -1}
                  onFocus={() => setCurrent(entry.seq)}
                  onKeyDown={(e) => {
                    if (moveTo(e.key, at)) e.preventDefault();
                  }}
                  onClick={() => setChosen(chosen === entry.seq ? undefined : entry.seq)}
                >
                  <span class="seq">#{entry.seq}</span>
                  <span class="time">{clock(entry.time)}</span>
                  <span class="type">{entry.type}</span>
                  {'sessionId' in entry && <span class="sid">{entry.sessionId}</span>}
                  <span class="fields">{summary(entry)}</span>
                </button>
              </li>
            ))}
          </ol>
        </div>
        <div class="inspector-side">
          <h2>{chosen === undefined ? 'Session list at an event' : `Session list after event #${chosen}`}</h2>
          {replayed === undefined ? (
            <p class="muted">Choose an event to see the session list as it was then (replayed from the log).</p>
          ) : (
            <SessionTable rows={replayed.order.map((id) => replayed.byId[id])} />
          )}
          <h2>Live actors</h2>
          {feed.snapshots ? (
            <div class="actors">
              <details open>
                <summary>
                  supervisor: <code>{JSON.stringify(feed.snapshots.supervisor.value)}</code>
                </summary>
                <pre>{JSON.stringify(feed.snapshots.supervisor.context, null, 2)}</pre>
              </details>
              {Object.entries(feed.snapshots.terminals).map(([id, snap]) => (
                <details key={id}>
                  <summary>
                    {id}: <code>{JSON.stringify(snap.value)}</code>
                  </summary>
                  <pre>{JSON.stringify(snap.context, null, 2)}</pre>
                </details>
              ))}
            </div>
          ) : (
            <p class="muted">Loading…</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** The keys that move along the event log. */
const MOVES = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End']);

function SessionTable(props: { rows: SessionRow[] }) {
  if (props.rows.length === 0) return <p class="muted">No open terminals at that point.</p>;
  return (
    <div class="table-scroll">
      <table class="grid compact" aria-label="Session list at the chosen event">
        <thead>
          <tr>
            <th>Session</th>
            <th>Target</th>
            <th>Command</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.sessionId}>
              <td>{row.sessionId}</td>
              <td>
                {row.target.namespace}/{row.target.pod}/{row.target.container}
              </td>
              <td class="mono">{commandLabel(row)}</td>
              <td>
                <StateWords row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A replayed terminal's state in the words its tab uses ("timed out", "exited 0"), and why it ended where there is a why. */
function StateWords(props: { row: SessionRow }) {
  const b = badge(props.row);
  return (
    <>
      <span class={`badge tone-${b.tone}`}>{b.text}</span>
      {b.detail && <span class="muted"> {b.detail}</span>}
    </>
  );
}
