// Alerts (timed out, disconnected, failed, refused) and notices (an action the server refused):
// each names where it happened (and which terminal, as its tab does: ten shells of one pod time
// out alike), offers a way there, and can be dismissed; several, all at once. Only the newest
// five show, so a burst (a node gone under twenty shells) does not push the page off screen; the
// rest are counted on a button that shows them, and "Dismiss all" takes them too. So the store
// keeps every notice until it is dismissed (Actions.notify): none is dropped unseen.
// Their buttons are named by the alert ("Dismiss: tools: shell"), so a screen reader's list of
// buttons tells them apart; a dismissal hands the focus to the next alert's Dismiss (or the one
// before, then the main heading) instead of leaving it on <body>.
// The cards are a plain list: a live card would be read out again each time it is put back on the
// page ("Show N more", a dismissal bringing an older one into the newest five, every reload). One
// live region says each alert once, as it comes (AppState.arrivedAlerts), and each notice.
import { useRef, useState } from 'preact/hooks';
import { visibleAlerts } from '../state/app-state.ts';
import { podTabTitle } from '../state/tab-titles.ts';
import { newestShown } from '../state/newest-first.ts';
import { useAppState, useServices } from './context.ts';
import { mainHeading, useFocusAfterRemoval } from './focus-after-removal.ts';

const SHOWN = 5;

interface Item {
  key: string;
  kind: string;
  title?: string;
  message: string;
  /** when it came (ms): the hidden ones are the oldest, alerts and notices alike */
  at: number;
  /** the terminal "Show terminal" opens, while it is open */
  open?: string;
  /** came while the page was open (not at its load): a screen reader hears of it */
  arrived: boolean;
  dismiss: () => void;
}

export function Alerts() {
  const state = useAppState();
  const { actions } = useServices();
  const [all, setAll] = useState(false);
  const arrived = new Set(state.arrivedAlerts);
  const alerts: Item[] = visibleAlerts(state).map((alert) => {
    const row = state.sessions.byId[alert.sessionId];
    return {
      key: `a${alert.id}`,
      kind: alert.kind,
      ...(row ? { title: podTabTitle(state, row), open: alert.sessionId } : {}),
      message: alert.message,
      at: alert.at,
      arrived: arrived.has(alert.id),
      dismiss: () => actions.dismissAlert(alert.id),
    };
  });
  const notices: Item[] = state.notices.map((notice) => ({ key: `n${notice.id}`, kind: 'notice', title: notice.title, message: notice.message, at: notice.at, arrived: true, dismiss: () => actions.dismissNotice(notice.id) }));
  const { ordered: items, hidden: older } = newestShown([...alerts, ...notices], SHOWN);
  const container = useRef<HTMLDivElement>(null);
  const focus = useFocusAfterRemoval(items.map((item) => item.key));
  const news = useNews(items);
  // always on the page, and always the same element: a live region put on the page with its text is not heard
  const announcer = (
    <div class="visually-hidden" role="alert" aria-atomic="false" data-testid="alert-announcer">
      {news.map((item) => (
        <p key={item.key}>{item.text}</p>
      ))}
    </div>
  );
  if (items.length === 0) return <>{announcer}</>;
  const hidden = all ? 0 : older;
  const shown = items.slice(hidden);
  const dismissButton = (key: string | undefined) => (key ? container.current?.querySelector<HTMLElement>(`[data-dismiss="${key}"]`) : null);
  const anyDismiss = () => container.current?.querySelector<HTMLElement>('[data-dismiss]');
  const dismiss = (at: number) => {
    focus.handOver({ gone: [shown[at].key], to: [() => dismissButton(shown[at + 1]?.key), () => dismissButton(shown[at - 1]?.key), anyDismiss, mainHeading] });
    shown[at].dismiss();
  };
  return (
    <>
      {announcer}
      <div class="alerts" role="region" aria-label="Alerts" ref={container}>
        <ul class="alert-list">
          {shown.map((item, at) => (
            <li class={`alert alert-${item.kind}`} key={item.key}>
              <p>
                {item.title && <b>{item.title}: </b>}
                {item.message}
              </p>
              <div class="alert-actions">
                {item.open && (
                  <button type="button" aria-label={`Show terminal: ${item.title}`} onClick={() => actions.openSession(item.open!)}>
                    Show terminal
                  </button>
                )}
                <button type="button" data-dismiss={item.key} aria-label={`Dismiss: ${item.title ?? item.message}`} onClick={() => dismiss(at)}>
                  Dismiss
                </button>
              </div>
            </li>
          ))}
        </ul>
        {items.length > 1 && (
          <div class="alert-actions">
            {items.length > SHOWN && (
              <button type="button" aria-expanded={all} onClick={() => setAll(!all)}>
                {all ? `Show the newest ${SHOWN} only` : `Show ${hidden} more`}
              </button>
            )}
            <button
              type="button"
              onClick={() => {
                focus.handOver({ gone: items.map((item) => item.key), to: [anyDismiss, mainHeading] });
                items.forEach((item) => item.dismiss());
              }}
            >
              Dismiss all
            </button>
          </div>
        )}
      </div>
    </>
  );
}

/**
 * What the live region says: the alerts and notices that came last, each in the words it came with
 * (its tab's name may go before it does). Only the last ones: the region's text is on the page for
 * a screen reader reading through it too, beside the cards; gone with its card when dismissed.
 */
function useNews(items: readonly Item[]): { key: string; text: string }[] {
  const heard = useRef(new Set<string>());
  const last = useRef<{ key: string; text: string }[]>([]);
  const present = new Set(items.map((item) => item.key));
  const fresh = items.filter((item) => item.arrived && !heard.current.has(item.key));
  if (fresh.length > 0) last.current = fresh.map((item) => ({ key: item.key, text: item.title ? `${item.title}: ${item.message}` : item.message }));
  // a key gone is forgotten: one that comes again (the storage alert, id 0, when storage fails anew) is news again
  heard.current = new Set([...heard.current, ...fresh.map((item) => item.key)].filter((key) => present.has(key)));
  last.current = last.current.filter((item) => present.has(item.key));
  return last.current;
}
