// A pod's terminals as tabs: each named by container and command (the second of a name "(2)":
// state/tab-titles.ts), with the badge of its state and a close button that names its tab, so a
// screen reader does not hear "Close" once per tab (a running one asks first: close-terminal.tsx).
// Arrow keys move between tabs (WAI-ARIA tabs pattern). In a team mode, someone else's terminal
// (an admin watching) says "watching <user>" and cannot be closed here.
import { useEffect, useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, commandLabel, modeLabel, tabName } from '../state/app-state.ts';
import { watchedOwner } from '../state/team.ts';
import { ordinalSuffix, ordinals } from '../state/tab-titles.ts';
import { useAppState, useServices } from './context.ts';
import { TerminalPanel } from './terminal-panel.tsx';
import { useIdleCountdown } from './idle-countdown.tsx';
import { useCloseTerminal } from './close-terminal.tsx';
import { RecordingBadge } from './recording-controls.tsx';

export function TerminalTabs(props: {
  rows: SessionRow[];
  selected: string | undefined;
  label: string;
  /** where the tabs span several pods (a batch), each is named by pod too: "worker-0/main: hostname" */
  withPod?: boolean;
  /** what to say while there are none */
  empty: string;
}) {
  const { actions, terminals } = useServices();
  const state = useAppState();
  const { rows } = props;
  const closing = useCloseTerminal();
  // the tab the arrow keys went to keeps the focus (roving tabindex): its terminal must not take it
  const [arrowedTo, setArrowedTo] = useState<string | undefined>(undefined);
  const selected = rows.find((r) => r.sessionId === props.selected)?.sessionId ?? rows[0]?.sessionId;
  const current = rows.find((r) => r.sessionId === selected);
  // selected some other way since (a new terminal, a closed tab's neighbour): its screen takes the focus again
  useEffect(() => {
    if (arrowedTo && arrowedTo !== selected) setArrowedTo(undefined);
  }, [selected, arrowedTo]);
  // Every terminal of the pod receives its output, shown or not, so switching tabs is instant.
  useEffect(() => {
    for (const row of rows) terminals.get(row);
  }, [rows.map((r) => r.sessionId).join(' ')]);
  if (rows.length === 0) return <p class="muted empty-terminals">{props.empty}</p>;
  const baseName = (row: SessionRow) => (props.withPod ? `${row.target.pod}/${tabName(row)}` : tabName(row));
  const ordinal = ordinals(rows, baseName);
  const suffixOf = (row: SessionRow) => ordinalSuffix(ordinal[row.sessionId]);
  const nameOf = (row: SessionRow) => baseName(row) + suffixOf(row);
  const move = (from: number, by: number) => {
    const next = rows[(from + by + rows.length) % rows.length];
    setArrowedTo(next.sessionId);
    actions.selectTab(next.sessionId);
    // every tab's button is on the page already: focus it now, before its panel mounts
    document.getElementById(`tab-${next.sessionId}`)?.focus();
  };
  const choose = (row: SessionRow) => {
    setArrowedTo(undefined);
    actions.selectTab(row.sessionId);
    // a click on the tab shown already mounts nothing: its terminal takes the focus here
    if (row.sessionId === selected) terminals.peek(row.sessionId)?.focus();
  };
  return (
    <div class="terminals">
      <div role="tablist" aria-label={props.label} class="tab-list">
        {rows.map((row, i) => {
          const b = badge(row);
          const isSelected = row.sessionId === selected;
          const owner = watchedOwner(state, row);
          return (
            <div class={isSelected ? 'tab selected' : 'tab'} key={row.sessionId} role="presentation">
              <button
                type="button"
                role="tab"
                id={`tab-${row.sessionId}`}
                aria-selected={isSelected}
                aria-controls={`panel-${row.sessionId}`}
                aria-label={nameOf(row)}
                aria-describedby={owner ? `badge-${row.sessionId} watching-${row.sessionId}` : `badge-${row.sessionId}`}
                tabIndex={isSelected ? 0 : -1}
                title={b.detail ? `${nameOf(row)} — ${b.text}: ${b.detail}` : `${nameOf(row)} — ${b.text}`}
                onClick={() => choose(row)}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowRight') move(i, 1);
                  else if (e.key === 'ArrowLeft') move(i, -1);
                  else if (e.key === 'Delete' && !owner) closing.close(row);
                }}
              >
                <span class="tab-title">
                  <b>{props.withPod ? `${row.target.pod}/${row.target.container}` : row.target.container}</b> {modeLabel(row) ?? commandLabel(row)}
                  {suffixOf(row)}
                </span>
                <TabBadge row={row} />
                <RecordingBadge row={row} />
                {owner && (
                  <span id={`watching-${row.sessionId}`} class="badge tone-quiet watching" data-testid="watching">
                    watching {owner}
                  </span>
                )}
              </button>
              {!owner && (
                <button type="button" class="tab-close" aria-label={`Close ${nameOf(row)}`} title={`Close ${nameOf(row)}`} onClick={() => closing.close(row)}>
                  ×
                </button>
              )}
            </div>
          );
        })}
      </div>
      {current && (
        <div role="tabpanel" id={`panel-${current.sessionId}`} aria-labelledby={`tab-${current.sessionId}`} class="tab-panel">
          <TerminalPanel row={current} key={current.sessionId} takeFocus={current.sessionId !== arrowedTo} />
        </div>
      )}
      {closing.dialog}
    </div>
  );
}

/** The tab's state badge; an idle terminal's countdown is its title (idle-countdown.tsx). */
function TabBadge(props: { row: SessionRow }) {
  const b = badge(props.row);
  const countdown = useIdleCountdown(props.row);
  return (
    <span id={`badge-${props.row.sessionId}`} class={`badge tone-${b.tone}`} title={countdown}>
      {b.text}
    </span>
  );
}
