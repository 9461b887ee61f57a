// Alerts (timed out, disconnected, failed, refused) and notices (an action the server refused):
// each names where it happened (and which terminal, as its tab does: ten shells of one pod time
// out alike), offers a way there, and can be dismissed; several, all at once.
import { tabName, visibleAlerts } from '../state/app-state.ts';
import { useAppState, useServices } from './context.ts';

export function Alerts() {
  const state = useAppState();
  const { actions } = useServices();
  const alerts = visibleAlerts(state);
  if (alerts.length === 0 && state.notices.length === 0) return null;
  return (
    <div class="alerts" aria-label="Alerts">
      {alerts.map((alert) => {
        const row = state.sessions.byId[alert.sessionId];
        const open = row !== undefined;
        return (
          <div role="alert" class={`alert alert-${alert.kind}`} key={`a${alert.id}`}>
            <p>
              {row && <b>{tabName(row)}: </b>}
              {alert.message}
            </p>
            <div class="alert-actions">
              {open && (
                <button type="button" onClick={() => actions.openSession(alert.sessionId)}>
                  Show terminal
                </button>
              )}
              <button type="button" onClick={() => actions.dismissAlert(alert.id)}>
                Dismiss
              </button>
            </div>
          </div>
        );
      })}
      {state.notices.map((notice) => (
        <div role="alert" class="alert alert-notice" key={`n${notice.id}`}>
          <p>
            {notice.title && <b>{notice.title}: </b>}
            {notice.message}
          </p>
          <div class="alert-actions">
            <button type="button" onClick={() => actions.dismissNotice(notice.id)}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
      {alerts.length + state.notices.length > 1 && (
        <div class="alert-actions">
          <button
            type="button"
            onClick={() => {
              for (const alert of alerts) actions.dismissAlert(alert.id);
              for (const notice of state.notices) actions.dismissNotice(notice.id);
            }}
          >
            Dismiss all
          </button>
        </div>
      )}
    </div>
  );
}
