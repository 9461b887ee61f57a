// The window's title for where the page is: a screen reader says it when the view changes (the
// address changes without a load, so the title is the one sign of a new page to it), and a
// browser's tabs and history tell octant-exec pages apart by it.
import type { Route } from './route.ts';

const PAGES: Record<Route['page'], string> = { pods: 'Pods', terminals: 'Terminals', batch: 'Batch', inspector: 'Inspector', audit: 'Audit', recordings: 'Recordings', embed: 'Pod' };

export function pageTitle(route: Route): string {
  const where =
    route.page === 'embed' && route.view === 'terminals'
      ? PAGES.terminals
      : (route.page === 'pods' || route.page === 'embed') && route.pod
        ? `${route.pod} in ${route.namespace}`
        : route.page === 'pods'
          ? `Pods in ${route.namespace}`
          : PAGES[route.page];
  return `${where} — octant-exec`;
}
