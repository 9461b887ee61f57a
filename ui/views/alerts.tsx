// Alerts (timed out, disconnected, failed, refused) and notices (an action the server refused):
// each names where it happened (and which terminal, as its tab does: ten shells of one pod time
// out alike), offers a way there, and can be dismissed; several, all at once. Only the newest
// five show, so a burst (a node gone under twenty shells) does not push the page off screen; the
// rest are counted on a button that shows them, and "Dismiss all" takes them too. So the store
// keeps every notice until it is dismissed (Actions.notify): none is dropped unseen.
import { useState } from 'preact/hooks';
import { visibleAlerts } from '../state/app-state.ts';
import { podTabTitle } from '../state/tab-titles.ts';
import { useAppState, useServices } from './context.ts';

const SHOWN = 5;

interface Item {
  key: string;
  kind: string;
  title?: string;
  message: string;
  /** the terminal "Show terminal" opens, while it is open */
  open?: string;
  dismiss: () => void;
}

export function Alerts() {
  const state = useAppState();
  const { actions } = useServices();
  const [all, setAll] = useState(false);
  const alerts: Item[] = visibleAlerts(state).map((alert) => {
    const row = state.sessions.byId[alert.sessionId];
    return {
      key: `a${alert.id}`,
      kind: alert.kind,
      ...(row ? { title: podTabTitle(state, row), open: alert.sessionId } : {}),
      message: alert.message,
      dismiss: () => actions.dismissAlert(alert.id),
    };
  });
  const notices: Item[] = state.notices.map((notice) => ({ key: `n${notice.id}`, kind: 'notice', title: notice.title, message: notice.message, dismiss: () => actions.dismissNotice(notice.id) }));
  // oldest first, as they came: the hidden ones are the oldest
  const items = [...alerts, ...notices];
  if (items.length === 0) return null;
  const hidden = all ? 0 : Math.max(0, items.length - SHOWN);
  return (
    <div class="alerts" aria-label="Alerts">
      {items.slice(hidden).map((item) => (
        <div role="alert" class={`alert alert-${item.kind}`} key={item.key}>
          <p>
            {item.title && <b>{item.title}: </b>}
            {item.message}
          </p>
          <div class="alert-actions">
            {item.open && (
              <button type="button" onClick={() => actions.openSession(item.open!)}>
                Show terminal
              </button>
            )}
            <button type="button" onClick={item.dismiss}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
      {items.length > 1 && (
        <div class="alert-actions">
          {items.length > SHOWN && (
            <button type="button" aria-expanded={all} onClick={() => setAll(!all)}>
              {all ? `Show the newest ${SHOWN} only` : `Show ${hidden} more`}
            </button>
          )}
          <button type="button" onClick={() => items.forEach((item) => item.dismiss())}>
            Dismiss all
          </button>
        </div>
      )}
    </div>
  );
}
