// Alerts (timed out, disconnected, failed, refused) and notices (an action the server refused):
// each names where it happened, offers a way there, and can be dismissed.
import { visibleAlerts } from '../state/app-state.ts';
import { useAppState, useServices } from './context.ts';

export function Alerts() {
  const state = useAppState();
  const { actions } = useServices();
  const alerts = visibleAlerts(state);
  if (alerts.length === 0 && state.notices.length === 0) return null;
  return (
    <div class="alerts" aria-label="Alerts">
      {alerts.map((alert) => {
        const open = alert.sessionId in state.sessions.byId;
        return (
          <div role="alert" class={`alert alert-${alert.kind}`} key={`a${alert.id}`}>
            <p>{alert.message}</p>
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
    </div>
  );
}
