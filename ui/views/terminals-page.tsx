// Every terminal across pods and namespaces, as the session-list projection has them. In a team
// mode: the person's own, and for an admin everyone's, with whose each is ("Person"). Within the
// embed page (Octant's tab) it links back to the embed's pod and leaves out the batches, whose
// pages may not be framed; the tab is that pod's, so another pod's terminal opens in octant-exec's
// own page, in a new window. A row's Open and Close are named by its terminal as its pod's tab
// names it ("Close web/nginx: shell"); a row closed hands the focus to the next row's Close (or the
// one before, then the table, then the heading), not to <body>.
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, isEnded, runsTextWithMode, sameContext, type AppState } from '../state/app-state.ts';
import { BatchList } from './batch-page.tsx';
import { useAppState, useServices } from './context.ts';
import { clock } from './format.ts';
import { signedIn, watchedOwner } from '../state/team.ts';
import { isTransfer } from '../../src/domain/exec-action.ts';
import { useCloseTerminal } from './close-terminal.tsx';
import { useServerButton } from './server-button.ts';
import { CloseAllEnded } from './close-all-ended.tsx';
import { AppLink } from './link.tsx';
import { RecordingBadge } from './recording-controls.tsx';
import { podTabTitle } from '../state/tab-titles.ts';
import { useFocusAfterRemoval } from './focus-after-removal.ts';
import { routeUrl } from '../state/route.ts';

export function TerminalsPage(props: { embed?: boolean }) {
  const state = useAppState();
  const { actions } = useServices();
  const rows = state.sessions.order.map((id) => state.sessions.byId[id]).filter((r): r is SessionRow => !!r);
  const ended = rows.filter(isEnded).length;
  // what "Close all ended" closes: the server leaves the terminals someone else owns (an admin only watches them)
  const closable = rows.filter((row) => isEnded(row) && !watchedOwner(state, row)).length;
  const team = signedIn(state) !== null;
  const closing = useCloseTerminal();
  const serverButton = useServerButton();
  const focus = useFocusAfterRemoval(rows.map((row) => row.sessionId));
  const closeButton = (row: SessionRow | undefined) => (row ? document.getElementById(`row-close-${row.sessionId}`) : null);
  const close = (at: number) => {
    const row = rows[at];
    const rest = rows.filter((r) => r !== row);
    const table = () => document.querySelector<HTMLElement>('table[aria-label="Terminals"]');
    focus.handOver({
      gone: [row.sessionId],
      // the next row with a Close (a watched one has none), or the nearest before it
      to: [...rest.slice(at), ...rest.slice(0, at).reverse()].map((r) => () => closeButton(r)).concat(table, () => document.getElementById('terminals-title')),
    });
    closing.close(row);
  };
  return (
    <section class="page" aria-labelledby="terminals-title" onFocusOut={focus.onFocusOut}>
      {props.embed && state.route.pod && (
        <p class="crumbs">
          <AppLink to={{ view: undefined }}>Back to {state.route.pod}</AppLink>
        </p>
      )}
      <div class="page-head">
        <h1 id="terminals-title" tabIndex={-1}>Terminals</h1>
        <span class="muted">
          {rows.length - ended} running, {ended} ended
        </span>
        <span class="spacer" />
        {!props.embed && <AppLink to={{ page: 'recordings', session: undefined }}>Recordings</AppLink>}
        <CloseAllEnded ended={closable} />
      </div>
      {rows.length === 0 ? (
        <p class="muted">No terminals. Open one from a pod with Shell or Exec.</p>
      ) : (
        <div class="table-scroll">
          <table class="grid" aria-label="Terminals" tabIndex={-1}>
            <thead>
              <tr>
                {team && <th>Person</th>}
                <th>Pod</th>
                <th>Container</th>
                <th>Command</th>
                <th>State</th>
                <th>Started</th>
                <th>Last activity</th>
                <th>Exit code</th>
                <th class="actions">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, at) => {
                const b = badge(row);
                const owner = watchedOwner(state, row);
                const name = `${row.target.pod}/${podTabTitle(state, row)}`;
                const command = isTransfer(row.mode) ? `${row.mode.kind} ${row.mode.path}` : runsTextWithMode(row);
                return (
                  <tr key={row.sessionId} data-session={row.sessionId}>
                    {team && <td title={row.person?.groups.join(', ')}>{row.person?.user ?? row.requestedBy}</td>}
                    <td>
                      {row.target.context && <span class="muted context">{row.target.context}: </span>}
                      <span class="muted">{row.target.namespace}/</span>
                      {row.target.pod}
                    </td>
                    <td>{row.target.container}</td>
                    <td class="mono command-cell" title={command}>
                      {isTransfer(row.mode) ? <span data-testid="transfer-kind">{command}</span> : command}
                    </td>
                    <td>
                      <span class={`badge tone-${b.tone}`} title={b.detail}>
                        {b.text}
                      </span>
                      <RecordingBadge row={row} />
                    </td>
                    <td class="time">{clock(row.startedAt)}</td>
                    <td class="time">{clock(row.lastActivityAt)}</td>
                    <td>{row.exitCode ?? ''}</td>
                    <td class="actions">
                      {!isTransfer(row.mode) &&
                        (props.embed && !ofRoutePod(state, row) ? (
                          // the embed is Octant's tab of one pod: another pod's terminal opens in octant-exec's own page
                          <a class="button-link" href={routeUrl({ page: 'pods', namespace: row.target.namespace, pod: row.target.pod, tab: row.sessionId, context: row.target.context })} target="_blank" rel="noopener noreferrer" aria-label={`Open ${name} in a new window`}>
                            Open ↗
                          </a>
                        ) : (
                          <button type="button" aria-label={`Open ${name}`} onClick={() => actions.openSession(row.sessionId)}>
                            Open
                          </button>
                        ))}
                      {owner ? (
                        <span class="badge tone-quiet">watching</span>
                      ) : (
                        <button type="button" id={`row-close-${row.sessionId}`} aria-label={`Close ${name}`} {...serverButton(undefined, () => close(at))}>
                          Close
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {!props.embed && (
        <>
          <h2 id="batches-title" class="batches-head">
            Batches
          </h2>
          <BatchList />
        </>
      )}
      {closing.dialog}
    </section>
  );
}

/** Whether the terminal is in the pod the route shows: absent and the server's current context named are one cluster, as the pod's tabs have it. */
function ofRoutePod(state: AppState, row: SessionRow): boolean {
  const { route } = state;
  return row.target.pod === route.pod && row.target.namespace === route.namespace && sameContext(state, row.target.context, route.context);
}
