// A pod: its containers of every kind with their states (the default one marked; init containers,
// native sidecars and debug containers tagged), the ways in ("Shell": one click, auto shell in the
// default container; "Shell in all containers", for a pod with more than one: a tab with an auto
// shell in each running container at once, a running init container and sidecars included;
// "Exec": the dialog; per container "Shell" in any other running one, "Debug", a debug container
// aimed at it, and "Attach" where its spec has stdin and tty; "Debug copy" for a pod that does not
// run or keeps crashing), and its terminal tabs. The embed page is this view alone.
import { useEffect, useState } from 'preact/hooks';
import { sameContext, sessionsOfPod } from '../state/app-state.ts';
import { useAppState, useServices } from './context.ts';
import { ExecDialog, containerNote } from './exec-dialog.tsx';
import { AppLink } from './link.tsx';
import { ExecDenied, useExecGate } from './permission.tsx';
import { TerminalTabs } from './terminal-tabs.tsx';
import { permissionKey } from '../state/team.ts';
import { execableContainers, needsDebugCopy, notExecableReason } from '../../src/domain/pod.ts';
import { isDebugTarget } from '../../src/domain/debug-images.ts';
import { KIND_TAGS } from './container-kind.ts';
import { PodStatus } from './pod-status.tsx';
import { noTerminalsAdvice, otherWaysIn, waysIn } from './ways-in.ts';

export function PodView(props: { embed?: boolean }) {
  const state = useAppState();
  const { actions } = useServices();
  const [dialogOpen, setDialogOpen] = useState(false);
  const { route } = state;
  const name = route.pod!;
  // another cluster's pod of the same name is not this one: its containers are not shown here
  const pod = state.pod?.namespace === route.namespace && state.pod.name === name && sameContext(state, state.pod.context, route.context) ? state.pod : undefined;
  const view = pod?.view;
  const rows = sessionsOfPod(state, { context: route.context, namespace: route.namespace, pod: name });
  const defaultContainer = view?.containers.find((c) => c.name === view.defaultContainer);
  const gate = useExecGate();
  // team mode: the embed page's shells wait for the permission answer (a "no" opens none)
  const asking = state.permissions[permissionKey(route.namespace, route.context)]?.loading ?? false;
  const debugImages = state.info?.debugImages ?? [];
  const [chosenImage, setChosenImage] = useState<string | undefined>(undefined);
  const debugImage = chosenImage && debugImages.includes(chosenImage) ? chosenImage : debugImages[0];
  const pending = state.execPending;
  const reachable = view ? execableContainers(view) : [];
  const ways = waysIn(view, gate.allowed);

  useEffect(() => {
    if (props.embed && route.mode && view && state.connection === 'open' && !asking) void actions.embedMode(view, route.mode);
  }, [props.embed, route.mode, view, state.connection, asking]);

  return (
    <section class="page pod-view" aria-labelledby="pod-title">
      <p class="crumbs">
        {props.embed ? (
          // Octant's tab shows this page alone: the Terminals page opens within it (route.ts, view)
          <AppLink to={{ view: 'terminals' }}>All terminals</AppLink>
        ) : (
          <>
            <AppLink to={{ page: 'pods', pod: undefined }}>All pods</AppLink> / {route.namespace}
          </>
        )}
      </p>
      <div class="pod-head">
        <h1 id="pod-title">{name}</h1>
        {view && <PodStatus pod={view} />}
        <span class="spacer" />
        <button
          type="button"
          class="primary"
          {...gate.props({ disabled: !ways.shell, pending, title: defaultContainer ? `Open a shell (bash, then sh) in ${defaultContainer.name}` : undefined, onClick: () => view && void actions.shell(view) })}
        >
          Shell
        </button>
        {/* more than one container that can run at once: an init container counts while it runs */}
        {view && view.containers.filter((c) => c.kind !== 'init' || c.state === 'running').length > 1 && (
          <button
            type="button"
            {...gate.props({
              disabled: reachable.length === 0,
              pending,
              title: reachable.length ? `Open a shell (bash, then sh) in each running container at once: ${reachable.join(', ')}` : 'No container of this pod is running',
              onClick: () => void actions.shellAll(view),
            })}
          >
            Shell in all containers
          </button>
        )}
        <button type="button" {...gate.props({ disabled: !view, pending, onClick: () => setDialogOpen(true) })}>
          Exec
        </button>
        {view && defaultContainer && needsDebugCopy(view) && (
          <button
            type="button"
            {...gate.props({
              pending,
              title: `Make a copy of this pod with ${defaultContainer.name} kept alive (no probes, no labels) and open a shell in it; the copy is deleted when the terminal closes`,
              onClick: () => void actions.debugCopy(view, defaultContainer.name),
            })}
          >
            Debug copy
          </button>
        )}
      </div>
      <ExecDenied reason={gate.reason} />
      {pod?.error && <p class="error">{pod.error}</p>}
      {!view && !pod?.error && <p class="muted">Loading pod…</p>}
      {view && (
        <div class="table-scroll">
          <table class="grid containers" aria-label="Containers">
            <thead>
              <tr>
                <th>Container</th>
                <th>State</th>
                <th>Ready</th>
                <th>Image</th>
                <th class="actions">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.containers.map((c) => (
                <tr key={c.name}>
                  <td>
                    {c.name} {c.name === view.defaultContainer && <span class="tag">default</span>}
                    {KIND_TAGS[c.kind] && (
                      <span class="tag" title={KIND_TAGS[c.kind]!.title}>
                        {KIND_TAGS[c.kind]!.text}
                      </span>
                    )}
                  </td>
                  <td>
                    <span class={`state state-${c.state}`}>{c.state}</span>
                    {containerNote(c) && c.reason ? <span class="muted"> ({c.reason})</span> : null}
                  </td>
                  <td>{c.kind === 'ephemeral' ? <span title="Kubernetes has no readiness for debug (ephemeral) containers: no probes, never part of the pod's Ready">n/a</span> : c.ready ? 'yes' : 'no'}</td>
                  <td class="muted mono">{c.image}</td>
                  <td class="row-actions">
                    {c.name !== view.defaultContainer && reachable.includes(c.name) && (
                      <button
                        type="button"
                        {...gate.props({ pending, title: `Open a shell (bash, then sh) in ${c.name}`, onClick: () => void actions.shell(view, c.name) })}
                        aria-label={`Shell in ${c.name}`}
                      >
                        Shell
                      </button>
                    )}
                    {isDebugTarget(c.kind) && debugImage && (
                      <button
                        type="button"
                        {...gate.props({ pending, title: `Add a debug container (${debugImage}) that sees ${c.name}'s processes and files, and open a shell in it`, onClick: () => void actions.debug(view, c.name, debugImage) })}
                        aria-label={`Debug ${c.name}`}
                      >
                        Debug
                      </button>
                    )}
                    {c.stdin && c.tty && (
                      <button
                        type="button"
                        {...gate.props({
                          disabled: c.state !== 'running',
                          pending,
                          title: `Attach to ${c.name}'s main process; closing the tab detaches and leaves it running (unless its spec says stdinOnce: then its input ends)`,
                          onClick: () => void actions.attach(view, c.name),
                        })}
                        aria-label={`Attach to ${c.name}`}
                      >
                        Attach
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {view && debugImages.length > 1 && (
        <p class="field debug-image">
          <label for="debug-image">Debug image</label>{' '}
          <select id="debug-image" value={debugImage} onChange={(e) => setChosenImage((e.currentTarget as HTMLSelectElement).value)}>
            {debugImages.map((image) => (
              <option key={image} value={image}>
                {image}
              </option>
            ))}
          </select>
        </p>
      )}
      {view && defaultContainer && defaultContainer.reason === 'PodInitializing' && (
        // still initializing: what holds it is worth a shell, not a debug copy
        <p class="hint">{notExecableReason(view, defaultContainer.name)} Shell is off until then.</p>
      )}
      {view && defaultContainer && defaultContainer.state !== 'running' && defaultContainer.reason !== 'PodInitializing' && (
        <p class="hint">
          The default container {defaultContainer.name} is {containerNote(defaultContainer)}: Shell is off{otherWaysIn(ways)}.
        </p>
      )}
      <TerminalTabs rows={rows} selected={route.tab} label={`Terminals of ${name}`} empty={noTerminalsAdvice(ways)} />
      {dialogOpen && view && gate.allowed && state.info && (
        <ExecDialog
          pod={view}
          serverIdleSeconds={state.info.idleTimeoutSeconds}
          recordMode={state.info.recording.mode}
          recordInput={state.info.recording.input}
          onClose={() => setDialogOpen(false)}
          onRun={(request) => {
            setDialogOpen(false);
            void actions.exec(request);
          }}
        />
      )}
    </section>
  );
}
