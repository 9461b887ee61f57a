// A batch: the summary table (one row per container, what did not succeed first, each with a
// way to its terminal), the totals, and the batch's terminals as tabs, since batch sessions are
// ordinary terminals. Without a batch id, the list of batches (also on the Terminals page).
import { useState } from 'preact/hooks';
import { formatArgv } from '../../src/domain/command-line.ts';
import type { BatchRow } from '../../src/protocol/index.ts';
import { batchResultText, batchStopText, batchTotalsText, durationText, sessionsOfBatch } from '../state/batch-words.ts';
import { useAppState, useServices } from './context.ts';
import { clock } from './format.ts';
import { AppLink } from './link.tsx';
import { stripNames, TerminalTabs } from './terminal-tabs.tsx';
import { useServerButton } from './server-button.ts';

export function BatchPage() {
  const state = useAppState();
  const { route } = state;
  const batch = route.batch ? state.batches.byId[route.batch] : undefined;
  if (!route.batch) {
    return (
      <section class="page" aria-labelledby="batches-title">
        <div class="page-head">
          <h1 id="batches-title">Batches</h1>
        </div>
        <BatchList />
      </section>
    );
  }
  return (
    <section class="page batch-page" aria-labelledby="batch-title">
      <p class="crumbs">
        <AppLink to={{ page: 'terminals', batch: undefined, tab: undefined }}>Terminals</AppLink> / batches
      </p>
      {batch ? <BatchSummary batch={batch} /> : <p class={state.connection === 'open' ? 'error' : 'muted'}>{state.connection === 'open' ? `There is no batch ${route.batch}.` : 'Loading batch…'}</p>}
    </section>
  );
}

function BatchSummary(props: { batch: BatchRow }) {
  const state = useAppState();
  const { actions } = useServices();
  const serverButton = useServerButton();
  const { batch } = props;
  const terminals = sessionsOfBatch(state, batch);
  // "Open" is named by the terminal's tab below, so a screen reader's list of buttons tells them apart
  const names = stripNames(terminals, true);
  // "Open" hands the focus to the row's tab (the strip does, once the tab is selected: its terminal must not take it)
  const [focusTab, setFocusTab] = useState<{ sessionId: string } | undefined>(undefined);
  const open = (sessionId: string) => {
    actions.selectTab(sessionId);
    setFocusTab({ sessionId });
  };
  return (
    <>
      <div class="page-head">
        <h1 id="batch-title">Batch {batch.batchId}</h1>
        <span class={`badge tone-${batch.state === 'running' ? 'busy' : batch.totals.failed || batch.totals.skipped || batch.totals.notStarted || batch.totals.cancelled ? 'bad' : 'done'}`}>{batch.state}</span>
        <span class="muted mono">{formatArgv(batch.argv)}</span>
        {batch.state === 'running' && (
          <button type="button" {...serverButton('Start nothing more of this batch, and stop its running commands (their terminals stay, with their output)', () => void actions.cancelBatch(batch.batchId))}>
            Stop
          </button>
        )}
      </div>
      <p class="batch-meta muted">
        by {batch.requestedBy} · started {clock(batch.startedAt)}
        {batch.finishedAt ? ` · done ${clock(batch.finishedAt)}` : ''} · at most {batch.concurrency} at once
        {batch.timeoutMs ? ` · each ended after ${Math.round(batch.timeoutMs / 1000)} s` : ''}
        {batch.stopped ? ` · ${batchStopText(batch.stopped, batch.person?.user)} ${clock(batch.stopped.at)}` : ''}
      </p>
      <p class="batch-totals" role="status" aria-label="Totals">
        {batchTotalsText(batch)}
      </p>
      <div class="table-scroll">
        <table class="grid compact" aria-label="Batch summary">
          <thead>
            <tr>
              <th>Container</th>
              <th>Result</th>
              <th>Duration</th>
              <th class="actions">
                <span class="visually-hidden">Terminal</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {batch.results.map((result) => {
              const where = `${result.target.pod}/${result.target.container}`;
              const words = batchResultText(result);
              const shown = result.sessionId !== undefined && result.sessionId in state.sessions.byId;
              return (
                <tr key={`${where} ${result.sessionId ?? result.state}`} data-session={result.sessionId}>
                  <td>{where}</td>
                  <td>
                    <span class={`badge tone-${words.tone}`}>{words.text}</span>
                  </td>
                  <td>{durationText(result.durationMs)}</td>
                  <td class="actions">
                    {result.sessionId !== undefined && (
                      <button
                        type="button"
                        disabled={!shown}
                        aria-label={`Open ${names[result.sessionId]?.name ?? where}`}
                        title={shown ? `Show the terminal of ${where}` : 'Its terminal was closed'}
                        onClick={() => open(result.sessionId!)}
                      >
                        Open
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h2 class="batch-terminals">Terminals</h2>
      <TerminalTabs rows={terminals} selected={state.route.tab} label={`Terminals of batch ${batch.batchId}`} withPod focusTab={focusTab} empty="No terminal of this batch is open (none started yet, or all were closed)." />
    </>
  );
}

/** Every batch this server knows, newest first, each linking to its page. */
export function BatchList() {
  const state = useAppState();
  const batches = state.batches.order.map((id) => state.batches.byId[id]).filter((b): b is BatchRow => !!b).reverse();
  if (batches.length === 0) return <p class="muted">No batches yet. Choose pods on the Pods list and use "Run in all containers".</p>;
  return (
    <div class="table-scroll">
      <table class="grid" aria-label="Batches">
        <thead>
          <tr>
            <th>Batch</th>
            <th>Command</th>
            <th>State</th>
            <th>Results</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {batches.map((batch) => (
            <tr key={batch.batchId}>
              <td>
                <AppLink to={{ page: 'batch', batch: batch.batchId, pod: undefined, tab: undefined }}>{`Batch ${batch.batchId}`}</AppLink>
              </td>
              <td class="mono">{formatArgv(batch.argv)}</td>
              <td>{batch.state}</td>
              <td>{batchTotalsText(batch)}</td>
              <td>{clock(batch.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
