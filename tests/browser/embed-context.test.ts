// The embed page runs in octant-exec's own context unless its address names one (docs/octant.md,
// "Which cluster": Octant's plugin links /embed?namespace=…&pod=…, with no context). The route
// took a context remembered in this browser tab's sessionStorage instead: once the embed had
// shown a terminal of another context (its Terminals view's Open), or the tab had chosen one on
// the main page, every later Exec tab showed the pod of that name in the other cluster, and
// with mode=shell opened a shell there at once. The main page still goes back to the context
// last chosen in the tab.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readRoute, rememberRoute } from '../../ui/state/route.ts';
import { memoryStorage } from '../support/memory-storage.ts';

const test = suite('embed context', { deadlineMs: 10_000 });

test("Octant's embed address, in a tab that remembers another context, is the server's own context", () => {
  const storage = memoryStorage();
  // the embed opened a terminal of context "prod" from its Terminals view
  rememberRoute({ page: 'embed', context: 'prod', namespace: 'default', pod: 'web', tab: 't4' }, storage);
  // Octant shows the Exec tab of another pod: its address names no context
  const route = readRoute({ pathname: '/embed', search: '?namespace=default&pod=api&mode=shell' }, storage);
  assert.is(route.context, undefined, "octant-exec's own context, as the plugin means");
  assert.is(route.mode, 'shell');
  assert.is(readRoute({ pathname: '/embed', search: '?namespace=default&pod=api&context=prod' }, storage).context, 'prod', 'named in the address: that one');
  assert.is(readRoute({ pathname: '/', search: '' }, storage).context, 'prod', 'the main page goes back to the context last chosen');
});

test.run();
