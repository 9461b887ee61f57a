// The top bar: where you are (context, namespace), where you can go (Pods, Terminals, Inspector,
// and Audit for admins), this browser's Settings, and in a team mode who is signed in. The pickers
// change the page only when a choice is applied (commit-select.tsx), never at each arrow key.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useAppState, useServices } from './context.ts';
import { AppLink } from './link.tsx';
import { isRunning } from '../../src/protocol/index.ts';
import { SignedInBox } from './signed-in.tsx';
import { mayInspect } from '../state/team.ts';
import { SettingsDialog } from './settings-dialog.tsx';
import { CommitSelect } from './commit-select.tsx';

export function TopBar() {
  const state = useAppState();
  const { actions } = useServices();
  const { route, contexts, namespaces } = state;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const bar = useRef<HTMLElement>(null);
  // the bar stays on top while the page scrolls: the page's scroll-padding keeps a focused control
  // from being moved under it (styles.css), as tall as the bar is (it wraps in a narrow window)
  useEffect(() => {
    // the element observed, not the ref: a report may come after the ref let go (a page signed out and in again)
    const element = bar.current!;
    const observer = new ResizeObserver(() => document.documentElement.style.setProperty('--top-bar-height', `${element.offsetHeight}px`));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const live = state.sessions.order.filter((id) => state.sessions.byId[id] && isRunning(state.sessions.byId[id].state)).length;
  const currentContext = route.context ?? contexts.find((c) => c.current)?.name ?? state.info?.context ?? '';
  const namespaceChoices = namespaces.includes(route.namespace) || namespaces.length === 0 ? namespaces : [route.namespace, ...namespaces];
  return (
    <header class="top-bar" ref={bar}>
      <span class="brand">octant-exec</span>
      <nav aria-label="Main">
        <AppLink to={{ page: 'pods', pod: undefined }} current={route.page === 'pods'}>
          Pods
        </AppLink>
        <AppLink to={{ page: 'terminals' }} current={route.page === 'terminals' || route.page === 'batch'}>
          Terminals
        </AppLink>
        {mayInspect(state) && (
          <AppLink to={{ page: 'inspector' }} current={route.page === 'inspector'}>
            Inspector
          </AppLink>
        )}
        {state.info?.signedIn?.admin && (
          <AppLink to={{ page: 'audit' }} current={route.page === 'audit'}>
            Audit
          </AppLink>
        )}
      </nav>
      <span class="live-count" title="terminals running">
        {live > 0 ? `${live} running` : ''}
      </span>
      <div class="pickers">
        <span class="picker">
          <label for="pick-context">Context</label>
          <CommitSelect id="pick-context" value={currentContext} onCommit={(context) => actions.navigate({ context, pod: undefined, page: route.page === 'embed' ? 'embed' : 'pods' })}>
            {contexts.length === 0 && <option value={currentContext}>{currentContext || '…'}</option>}
            {contexts.map((c) => (
              <option value={c.name} key={c.name}>
                {c.name}
              </option>
            ))}
          </CommitSelect>
        </span>
        <span class="picker">
          <label for="pick-namespace">Namespace</label>
          {namespaceChoices.length > 0 ? (
            <CommitSelect id="pick-namespace" value={route.namespace} onCommit={(namespace) => actions.navigate({ namespace, pod: undefined, page: 'pods' })}>
              {namespaceChoices.map((ns) => (
                <option value={ns} key={ns}>
                  {ns}
                </option>
              ))}
            </CommitSelect>
          ) : (
            <input
              id="pick-namespace"
              value={route.namespace}
              size={14}
              title="Listing namespaces is not allowed: type one and press Enter"
              onKeyDown={(e) => {
                if (e.key === 'Enter') actions.navigate({ namespace: (e.currentTarget as HTMLInputElement).value.trim() || 'default', pod: undefined, page: 'pods' });
              }}
            />
          )}
        </span>
      </div>
      <button type="button" class="settings-button" title="Terminal settings for this browser: font size, confirm on close, copy on select" onClick={() => setSettingsOpen(true)}>
        Settings
      </button>
      <SignedInBox />
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
    </header>
  );
}
