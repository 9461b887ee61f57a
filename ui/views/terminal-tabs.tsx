// A pod's terminals as tabs: each named by container and command (the second of a name "(2)":
// state/tab-titles.ts), with the badge of its state and a close button that names its tab, so a
// screen reader does not hear "Close" once per tab (a running one asks first: close-terminal.tsx).
// Keys as the WAI-ARIA APG tabs pattern has them: arrows move between tabs (wrapping), Home and End
// to the first and last, Delete closes the tab and the focus goes to the tab that follows (the one
// before, when it was last), not into its terminal. Only the selected tab's × is a Tab stop (Delete
// closes any), and the ×s are owned outside the tablist, which may hold only tabs. In a team mode,
// someone else's terminal (an admin watching) says "watching <user>" and cannot be closed here.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { badge, commandLabel, modeLabel, tabName } from '../state/app-state.ts';
import { watchedOwner } from '../state/team.ts';
import { ordinalSuffix, ordinals } from '../state/tab-titles.ts';
import { useAppState, useServices } from './context.ts';
import { TerminalPanel } from './terminal-panel.tsx';
import { useIdleCountdown } from './idle-countdown.tsx';
import { useCloseTerminal } from './close-terminal.tsx';
import { useServerButton } from './server-button.ts';
import { RecordingBadge } from './recording-controls.tsx';
import { recordingBadge } from '../state/recordings.ts';

export function TerminalTabs(props: {
  rows: SessionRow[];
  selected: string | undefined;
  label: string;
  /** where the tabs span several pods (a batch), each is named by pod too: "worker-0/main: hostname" */
  withPod?: boolean;
  /** what to say while there are none */
  empty: string;
  /**
   * A request from outside the strip (a batch summary's "Open") to give the focus to this tab once it
   * is selected, as an arrow key would: its terminal does not take it. A new object per request.
   */
  focusTab?: { sessionId: string };
}) {
  const { actions, terminals } = useServices();
  const state = useAppState();
  const { rows } = props;
  const closing = useCloseTerminal();
  const serverButton = useServerButton();
  // the tab the arrow keys went to keeps the focus (roving tabindex): its terminal must not take it
  const [arrowedTo, setArrowedTo] = useState<string | undefined>(undefined);
  const selected = rows.find((r) => r.sessionId === props.selected)?.sessionId ?? rows[0]?.sessionId;
  const current = rows.find((r) => r.sessionId === selected);
  // a focus request not yet handed over, once its tab is the selected one (the selection comes through the store)
  const handledRequest = useRef<{ sessionId: string } | undefined>(undefined);
  const requested = props.focusTab && props.focusTab !== handledRequest.current && props.focusTab.sessionId === selected ? props.focusTab : undefined;
  useEffect(() => {
    if (!requested) return;
    handledRequest.current = requested;
    setArrowedTo(requested.sessionId);
    const tab = document.getElementById(`tab-${requested.sessionId}`);
    tab?.scrollIntoView({ block: 'nearest' });
    tab?.focus();
  });
  // selected some other way since (a new terminal, a closed tab's neighbour): its screen takes the focus again
  useEffect(() => {
    if (arrowedTo && arrowedTo !== selected) setArrowedTo(undefined);
  }, [selected, arrowedTo]);
  // Every terminal of the strip receives its output, shown or not, so switching tabs is instant;
  // leaving the strip (the page goes elsewhere) lets go of them.
  useEffect(() => terminals.show(rows), [rows.map((r) => r.sessionId).join(' ')]);
  // A close this strip started (Delete or ×), and the tab to go to then: for the selected tab the one
  // that follows, else the selected one. Set, no terminal takes the focus (the close moves the
  // selection before the server ends the terminal, and a question may come first). Another tab's
  // close is waited for until its tab goes: its question took the focus, and gives it back to a ×
  // that goes with the tab.
  const closingTab = useRef<{ id: string; to: string | undefined; wasSelected: boolean } | undefined>(undefined);
  const empty = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    const pending = closingTab.current;
    const gone = pending && !rows.some((r) => r.sessionId === pending.id);
    // another tab's close, and another tab shown since (the question cancelled, a new terminal): not ours to finish
    if (pending && !pending.wasSelected && !gone && selected !== pending.to) {
      closingTab.current = undefined;
      return;
    }
    // still there and selected (or another tab, still there): the close question is open, or was
    // cancelled (it gave the focus back), or the server has not ended it yet
    if (!pending || (!gone && (selected === pending.id || !pending.wasSelected))) return;
    closingTab.current = undefined;
    const to = rows.some((r) => r.sessionId === pending.to) ? pending.to : selected;
    const active = document.activeElement;
    // the user put the focus elsewhere meanwhile: leave it there
    if (active && active !== document.body && active.id !== `tab-${pending.id}` && active.id !== `close-${pending.id}`) return;
    if (!to) return empty.current?.focus();
    setArrowedTo(to);
    // a batch's strip spans pods: the close may have selected the pod's neighbour, not the strip's
    if (to !== selected) actions.selectTab(to);
    document.getElementById(`tab-${to}`)?.focus();
  });
  if (rows.length === 0)
    return (
      // where the focus goes when the last tab closes: what this pod's view offers instead
      <p class="muted empty-terminals" tabIndex={-1} ref={empty}>
        {props.empty}
      </p>
    );
  const names = stripNames(rows, props.withPod);
  const suffixOf = (row: SessionRow) => names[row.sessionId].suffix;
  const nameOf = (row: SessionRow) => names[row.sessionId].name;
  const closeTab = (i: number) => {
    const row = rows[i];
    const to = row.sessionId === selected ? (rows[i + 1] ?? rows[i - 1])?.sessionId : selected;
    closingTab.current = { id: row.sessionId, to, wasSelected: row.sessionId === selected };
    closing.close(row);
  };
  const moveTo = (index: number) => {
    const next = rows[(index + rows.length) % rows.length];
    closingTab.current = undefined;
    setArrowedTo(next.sessionId);
    actions.selectTab(next.sessionId);
    // every tab's button is on the page already: focus it now, before its panel mounts
    document.getElementById(`tab-${next.sessionId}`)?.focus();
  };
  const choose = (row: SessionRow) => {
    closingTab.current = undefined;
    setArrowedTo(undefined);
    actions.selectTab(row.sessionId);
    // a click on the tab shown already mounts nothing: its terminal takes the focus here
    if (row.sessionId === selected) terminals.peek(row.sessionId)?.focus();
  };
  /** where a key on the ith tab moves to (wrapping: moveTo), if it moves */
  const keyTarget = (key: string, i: number): number | undefined => {
    if (key === 'ArrowRight') return i + 1;
    if (key === 'ArrowLeft') return i - 1;
    if (key === 'Home') return 0;
    if (key === 'End') return rows.length - 1;
    return undefined;
  };
  return (
    <div
      class="terminals"
      onFocusOut={(e) => {
        // the focus went to another part of the page: a close cancelled there hands nothing over later
        if (e.relatedTarget instanceof Node && !e.currentTarget.contains(e.relatedTarget)) closingTab.current = undefined;
      }}
    >
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
                aria-describedby={tabDescription(row, !!owner)}
                tabIndex={isSelected ? 0 : -1}
                title={b.detail ? `${nameOf(row)} — ${b.text}: ${b.detail}` : `${nameOf(row)} — ${b.text}`}
                onClick={() => choose(row)}
                onKeyDown={(e) => {
                  const target = keyTarget(e.key, i);
                  if (target !== undefined) {
                    e.preventDefault();
                    moveTo(target);
                  } else if (e.key === 'Delete' && !owner) serverButton(undefined, () => closeTab(i)).onClick?.(); // nothing while the server cannot be asked
                }}
              >
                <span class="tab-title">
                  <b>{props.withPod ? `${row.target.pod}/${row.target.container}` : row.target.container}</b> {modeLabel(row) ?? commandLabel(row)}
                </span>
                {/* outside the title, which a long command cuts short: the ordinal tells two such tabs apart */}
                {suffixOf(row)}
                <TabBadge row={row} />
                <RecordingBadge row={row} id={`rec-${row.sessionId}`} />
                {owner && (
                  <span id={`watching-${row.sessionId}`} class="badge tone-quiet watching" data-testid="watching">
                    watching {owner}
                  </span>
                )}
              </button>
              {!owner && (
                <button
                  type="button"
                  class="tab-close"
                  id={`close-${row.sessionId}`}
                  aria-label={`Close ${nameOf(row)}`}
                  tabIndex={isSelected ? 0 : -1}
                  {...serverButton(`Close ${nameOf(row)}`, () => closeTab(i))}
                >
                  ×
                </button>
              )}
            </div>
          );
        })}
      </div>
      {/* the tablist may own only tabs: the ×s are this (generic) element's in the accessibility tree, after the tabs */}
      <div aria-owns={rows.filter((row) => !watchedOwner(state, row)).map((row) => `close-${row.sessionId}`).join(' ')} />
      {current && (
        <div role="tabpanel" id={`panel-${current.sessionId}`} aria-labelledby={`tab-${current.sessionId}`} class="tab-panel">
          <TerminalPanel row={current} key={current.sessionId} takeFocus={current.sessionId !== arrowedTo && current.sessionId !== requested?.sessionId && !closingTab.current?.wasSelected} />
        </div>
      )}
      {closing.dialog}
    </div>
  );
}

/** Each tab's name on a strip of these rows ("nginx: shell (2)"; the pod first where it spans pods, "worker-0/main: hostname") and its "(n)". */
export function stripNames(rows: SessionRow[], withPod: boolean | undefined): Record<string, { name: string; suffix: string }> {
  const baseName = (row: SessionRow) => (withPod ? `${row.target.pod}/${tabName(row)}` : tabName(row));
  const ordinal = ordinals(rows, baseName);
  return Object.fromEntries(rows.map((row) => [row.sessionId, { name: baseName(row) + ordinalSuffix(ordinal[row.sessionId]), suffix: ordinalSuffix(ordinal[row.sessionId]) }]));
}

/** The tab's state badge; an idle terminal's countdown is its title (idle-countdown.tsx), and for a screen reader part of the tab's description. */
function TabBadge(props: { row: SessionRow }) {
  const b = badge(props.row);
  const countdown = useIdleCountdown(props.row);
  return (
    <>
      <span id={`badge-${props.row.sessionId}`} class={`badge tone-${b.tone}`} title={countdown}>
        {b.text}
      </span>
      <span id={`countdown-${props.row.sessionId}`} class="visually-hidden">
        {countdown ?? ''}
      </span>
    </>
  );
}

/**
 * What a screen reader says of a tab after its name: its state, the idle countdown, recording, and
 * whose it is when watched. The name is the tab's aria-label, which hides its badges' own text.
 */
function tabDescription(row: SessionRow, watched: boolean): string {
  const parts = [`badge-${row.sessionId}`, `countdown-${row.sessionId}`];
  if (recordingBadge(row)) parts.push(`rec-${row.sessionId}`);
  if (watched) parts.push(`watching-${row.sessionId}`);
  return parts.join(' ');
}
