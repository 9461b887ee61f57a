// Where the page is: which screen, namespace, pod and terminal tab. It lives in the address bar
// (so a reload, a bookmark or Octant's embed URL lands on the same place) and the namespace also
// in sessionStorage (so the Pods link returns to the namespace last chosen in this browser tab).
export type Page = 'pods' | 'terminals' | 'batch' | 'inspector' | 'audit' | 'recordings' | 'embed';

export interface Route {
  page: Page;
  context?: string;
  namespace: string;
  pod?: string;
  tab?: string;
  /** batch page only: which batch (`/batches?id=b1`) */
  batch?: string;
  /** recordings page only: one terminal's (`/recordings?session=t1`); absent: every terminal's */
  session?: string;
  /** embed only: open a shell (default container) or one per running container on arrival */
  mode?: 'shell' | 'shell-all';
  /** embed only: the Terminals page inside the embed (`view=terminals`), which keeps its pod to go back to; the path stays /embed, the only one that may be framed */
  view?: 'terminals';
}

const paths: Record<Page, string> = { pods: '/', terminals: '/sessions', batch: '/batches', inspector: '/inspector', audit: '/audit', recordings: '/recordings', embed: '/embed' };
const NAMESPACE_KEY = 'octant-exec.namespace';
const CONTEXT_KEY = 'octant-exec.context';

export function readRoute(location: { pathname: string; search: string }, storage?: Storage): Route {
  const params = new URLSearchParams(location.search);
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const page = (Object.keys(paths) as Page[]).find((name) => paths[name] === path) ?? 'pods';
  const mode = params.get('mode');
  const batch = page === 'batch' ? params.get('id') : null;
  const session = page === 'recordings' ? params.get('session') : null;
  // Octant's Exec tab names no context: it means octant-exec's own (docs/octant.md), never the one this tab last chose.
  // Nor does an address with a query: routeUrl writes the context of every place it names, so
  // one without (Back to it, a link) was in the server's own; only a bare one (`/`) takes the tab's.
  const remembered = page === 'embed' || params.toString() !== '' ? undefined : storage?.getItem(CONTEXT_KEY);
  return {
    page,
    context: params.get('context') || remembered || undefined,
    namespace: params.get('namespace') || storage?.getItem(NAMESPACE_KEY) || 'default',
    pod: params.get('pod') || undefined,
    tab: params.get('tab') || undefined,
    ...(mode === 'shell' || mode === 'shell-all' ? { mode } : {}),
    ...(page === 'embed' && params.get('view') === 'terminals' ? { view: 'terminals' as const } : {}),
    ...(batch ? { batch } : {}),
    ...(session ? { session } : {}),
  };
}

export function routeUrl(route: Route): string {
  const params = new URLSearchParams();
  if (route.context) params.set('context', route.context);
  if (route.page === 'pods' || route.page === 'embed') {
    params.set('namespace', route.namespace);
    if (route.pod) params.set('pod', route.pod);
    if (route.pod && route.tab) params.set('tab', route.tab);
    if (route.page === 'embed' && route.view) params.set('view', route.view);
  }
  if (route.page === 'batch' && route.batch) {
    params.set('id', route.batch);
    if (route.tab) params.set('tab', route.tab);
  }
  if (route.page === 'recordings' && route.session) params.set('session', route.session);
  const query = params.toString();
  return paths[route.page] + (query ? `?${query}` : '');
}

export function rememberRoute(route: Route, storage?: Storage): void {
  try {
    storage?.setItem(NAMESPACE_KEY, route.namespace);
    if (route.context) storage?.setItem(CONTEXT_KEY, route.context);
    else storage?.removeItem(CONTEXT_KEY);
  } catch {
    // storage may be disabled (private mode, sandboxed frame): the address bar still has it
  }
}
