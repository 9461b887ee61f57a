// The pods of the namespace (kept live by the socket's pod watch); each name links to its Pod view.
// Pods can be checked, or chosen by a typed label selector, for "Run in all containers": one
// command in every container of them (a batch), which opens the batch's page.
import { useState } from 'preact/hooks';
import { currentSelection, inNamespace } from '../state/app-state.ts';
import { BatchDialog } from './batch-dialog.tsx';
import { useAppState, useServices } from './context.ts';
import { age } from './format.ts';
import { AppLink } from './link.tsx';
import { ExecDenied, useExecGate } from './permission.tsx';
import { runsWithPod } from '../../src/domain/pod.ts';
import { PodStatus } from './pod-status.tsx';

export function PodList() {
  const state = useAppState();
  const { actions } = useServices();
  const [dialogOpen, setDialogOpen] = useState(false);
  const { pods, route } = state;
  const selection = currentSelection(state);
  const selector = selection.labelSelector.trim();
  // pods checked here that the list still has (a deleted pod drops out of the choice)
  const checked = selection.pods.filter((name) => pods.list.some((p) => p.name === name));
  const gate = useExecGate();
  const terminalsOf = (pod: string) => state.sessions.order.map((id) => state.sessions.byId[id]).filter((row) => row && inNamespace(state, row, route.namespace, route.context) && row.target.pod === pod).length;
  return (
    <section class="page" aria-labelledby="pods-title">
      <h1 id="pods-title">
        Pods <span class="muted">in {route.namespace}</span>
      </h1>
      <div class="batch-bar">
        <label for="pods-selector">Label selector</label>
        <input
          id="pods-selector"
          type="text"
          value={selection.labelSelector}
          size={28}
          autoComplete="off"
          spellcheck={false}
          placeholder="e.g. app=worker"
          aria-describedby="pods-batch-hint"
          onInput={(e) => actions.setLabelSelector((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="button" {...gate.props({ disabled: checked.length === 0 && !selector, pending: state.execPending, describedBy: 'pods-batch-hint', onClick: () => setDialogOpen(true) })}>
          Run in all containers
        </button>
        <span id="pods-batch-hint" class="hint">
          {selector ? `The pods matching ${selector} (checkboxes are ignored while a selector is typed).` : checked.length ? `${checked.length} pod${checked.length === 1 ? '' : 's'} chosen.` : 'Check pods or type a label selector to run one command in all their containers.'}
        </span>
      </div>
      <ExecDenied reason={gate.reason} />
      {pods.error && <p class="error">{pods.error}</p>}
      {!pods.loaded && <p class="muted">Loading pods…</p>}
      {pods.loaded && !pods.error && pods.list.length === 0 && <p class="muted">No pods in namespace {route.namespace}.</p>}
      {pods.list.length > 0 && (
        <div class="table-scroll">
          <table class="grid" aria-label={`Pods in ${route.namespace}`}>
            <thead>
              <tr>
                <th class="select">
                  <span class="visually-hidden">Selected</span>
                </th>
                <th>Name</th>
                <th>Ready</th>
                <th>Status</th>
                <th>Age</th>
                <th>Containers</th>
                <th>Terminals</th>
              </tr>
            </thead>
            <tbody>
              {pods.list.map((pod) => {
                const open = terminalsOf(pod.name);
                return (
                  <tr key={pod.name}>
                    <td class="select">
                      <input type="checkbox" aria-label={`Select ${pod.name}`} checked={checked.includes(pod.name)} disabled={!!selector} onChange={(e) => actions.selectPod(pod.name, (e.currentTarget as HTMLInputElement).checked)} />
                    </td>
                    <td>
                      <AppLink to={{ page: 'pods', pod: pod.name }}>{pod.name}</AppLink>
                    </td>
                    <td>
                      {pod.ready.ready}/{pod.ready.total}
                    </td>
                    <td>
                      <PodStatus pod={pod} />
                    </td>
                    <td title={pod.createdAt}>{age(pod.createdAt)}</td>
                    <td class="muted">
                      {pod.containers
                        .filter(runsWithPod)
                        .map((c) => c.name)
                        .join(', ')}
                    </td>
                    <td>{open > 0 ? open : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {dialogOpen && gate.allowed && (
        <BatchDialog
          targets={selector ? { namespace: route.namespace, labelSelector: selector } : { namespace: route.namespace, pods: checked }}
          onClose={() => setDialogOpen(false)}
          onRun={(request) => {
            setDialogOpen(false);
            void actions.runBatch(request);
          }}
        />
      )}
    </section>
  );
}
