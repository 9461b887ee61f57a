// The browser's Back button across a context change. Every address the page writes for a place
// in a namespace names its context when it has one (routeUrl), so an address with a namespace
// and no context was written in the server's own context. The route took the context this tab
// remembered instead: Back from a page in context "prod" to one written in the server's own
// context stayed in "prod" (the address said one cluster, the page showed another; a Shell there
// opened in "prod"). A bare address (`/`, typed or bookmarked) still goes back to the context
// last chosen in the tab.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readRoute, rememberRoute, routeUrl, type Route } from '../../ui/state/route.ts';
import { Actions } from '../../ui/state/actions.ts';
import { initialState } from '../../ui/state/app-state.ts';
import { Store } from '../../ui/state/store.ts';
import type { Api } from '../../ui/protocol/http-client.ts';
import type { SocketClient } from '../../src/protocol/socket-client.ts';
import { memoryStorage } from '../support/memory-storage.ts';

const test = suite('route: Back across a context change', { deadlineMs: 10_000 });

const at = (url: string) => {
  const parsed = new URL(url, 'http://127.0.0.1');
  return { pathname: parsed.pathname, search: parsed.search };
};

test("Back to an address written in the server's own context is in the server's own context", () => {
  const storage = memoryStorage();
  // the page opened in the server's own context, on pod web
  const own: Route = { page: 'pods', namespace: 'default', pod: 'web' };
  rememberRoute(own, storage);
  const ownUrl = routeUrl(own);
  // the Context picker chose "prod" (what navigate remembers and pushes)
  const prod: Route = { page: 'pods', context: 'prod', namespace: 'default' };
  rememberRoute(prod, storage);
  assert.is(readRoute(at(routeUrl(prod)), storage).context, 'prod');
  // Back: popstate reads the earlier address
  const back = readRoute(at(ownUrl), storage);
  assert.is(back.context, undefined, `the address ${ownUrl} names no context: the server's own, as when it was written`);
  assert.is(back.pod, 'web');
  assert.is(routeUrl(back), ownUrl, 'the route read back writes the same address');
});

test('every place the page writes in the server\'s own context reads back there, whatever the tab remembers', () => {
  const storage = memoryStorage();
  rememberRoute({ page: 'pods', context: 'prod', namespace: 'default' }, storage);
  const places: Route[] = [
    { page: 'pods', namespace: 'kube-system' },
    { page: 'pods', namespace: 'default', pod: 'web', tab: 't3' },
    { page: 'batch', namespace: 'default', batch: 'b1' },
    { page: 'recordings', namespace: 'default', session: 't1' },
  ];
  for (const place of places) assert.is(readRoute(at(routeUrl(place)), storage).context, undefined, routeUrl(place));
});

test('a bare address still goes back to the context last chosen in this tab; one that names a context is in that one', () => {
  const storage = memoryStorage();
  rememberRoute({ page: 'pods', context: 'prod', namespace: 'apps' }, storage);
  const bare = readRoute(at('/'), storage);
  assert.is(bare.context, 'prod');
  assert.is(bare.namespace, 'apps');
  assert.is(readRoute(at('/sessions'), storage).context, 'prod');
  assert.is(readRoute(at('/?context=staging&namespace=default'), storage).context, 'staging');
});

/** The page's actions over an API that answers every read with little, recording the pods it is asked for. */
function page(storage: Storage, route: Route) {
  const podsAsked: string[] = [];
  const api = new Proxy({}, {
    get: (_, name) => async (...args: unknown[]) => {
      if (name === 'pod') podsAsked.push(`${args[2] ?? '(own)'}/${args[0]}/${args[1]}`);
      return name === 'namespaces' || name === 'pods' ? [] : { name: args[1] };
    },
  }) as unknown as Api;
  const socket = { onMessage: () => () => {}, onState: () => () => {}, watchPods: () => {}, unwatchPods: () => {} } as unknown as SocketClient;
  const store = new Store(initialState(route));
  const actions = new Actions({ api, socket, store, storage, history: { pushState: () => {}, replaceState: () => {} } });
  return { store, actions, podsAsked };
}

test('Back is remembered as a pick is: a bare address after it is where Back went, and the pod is read again in its context', async () => {
  const storage = memoryStorage();
  const own = readRoute({ pathname: '/', search: '?namespace=default&pod=web' }, storage);
  const p = page(storage, own);
  await p.actions.loadPod('default', 'web');
  p.actions.navigate({ context: 'prod' });
  await Promise.resolve();
  assert.is(readRoute({ pathname: '/', search: '' }, storage).context, 'prod', 'a pick is remembered');
  // Back, to the address written in the server's own context
  p.actions.routeChanged(readRoute({ pathname: '/', search: `?${new URL(routeUrl(own), 'http://x').search.slice(1)}` }, storage));
  assert.is(p.store.get().route.context, undefined);
  assert.is(readRoute({ pathname: '/', search: '' }, storage).context, undefined, 'a reload of a bare address after Back is where Back went');
  await Promise.resolve();
  assert.equal(p.podsAsked, ['(own)/default/web', 'prod/default/web', '(own)/default/web'], 'the same pod in each cluster is read again');
});

test.run();
