// The Octant plugin as Octant runs it: one ES5 script, instantiated in a fresh JS context with
// Octant's own instantiation line, asked for a Pod's tab.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parse } from 'acorn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { buildOctantPlugin } from '../../scripts/build-octant.ts';
import { defaultServerUrl, pluginWithUrl } from '../../src/octant/plugin-file.ts';
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('Octant plugin');
const checkout = new URL('../..', import.meta.url).pathname;
let source = '';

test.before(() =>
  withTempDir(async (dir) => {
    source = readFileSync(await buildOctantPlugin(join(dir, 'octant-exec.js'), 'http://127.0.0.1:7788/'), 'utf8');
  }),
);

type Json = Record<string, any>;

function loadPlugin(file = source): Json {
  const context = createContext({ dashboardClient: { Get() {} }, httpClient: { Get() {} } });
  runInContext(file, context);
  // the line Octant 0.25 runs (pkg/plugin/javascript/runtime.go)
  return runInContext('var _concretePlugin = new _octantPlugin(dashboardClient, httpClient); _concretePlugin', context);
}

const pod = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name }, spec: { containers: [{ name: 'c' }] } });

/** The component shapes Octant's pkg/view/component unmarshals; returns the problems found. */
function shapeProblems(component: Json, path = 'contents'): string[] {
  const type = component?.metadata?.type;
  const config = component?.config;
  if (typeof type !== 'string' || typeof config !== 'object') return [`${path}: not a component`];
  switch (type) {
    case 'flexlayout':
      return [
        ...(Array.isArray(config.sections) ? [] : [`${path}: sections missing`]),
        ...(config.sections ?? []).flatMap((section: Json[], i: number) =>
          section.flatMap((item, j) => [
            ...(Number.isInteger(item.width) && item.width > 0 && item.width <= 24 ? [] : [`${path}.sections[${i}][${j}]: width`]),
            ...shapeProblems(item.view, `${path}.sections[${i}][${j}].view`),
          ]),
        ),
        ...(config.buttonGroup ? shapeProblems(config.buttonGroup, `${path}.buttonGroup`) : []),
      ];
    case 'iframe':
      return typeof config.url === 'string' && typeof config.title === 'string' ? [] : [`${path}: iframe needs url and title`];
    case 'buttonGroup':
      return (config.buttons as Json[]).flatMap((b, i) => shapeProblems(b, `${path}.buttons[${i}]`));
    case 'button':
      return typeof config.name === 'string' && typeof config.payload?.action === 'string' ? [] : [`${path}: button needs a name and payload.action`];
    case 'text':
      return typeof config.value === 'string' ? [] : [`${path}: text needs a value`];
    default:
      return [`${path}: unknown type ${type}`];
  }
}

test('the built file is ES5', () => {
  assert.not.throws(() => parse(source, { ecmaVersion: 5 }));
  assert.throws(() => parse('const x = 1;', { ecmaVersion: 5 }), 'the check itself can fail');
});

test('Octant instantiates it and reads its metadata', () => {
  const plugin = loadPlugin();
  assert.is(plugin.name, 'octant-exec');
  assert.ok(plugin.description.length > 0);
  assert.equal(JSON.parse(JSON.stringify(plugin.capabilities)), { supportTab: [{ version: 'v1', kind: 'Pod' }], actionNames: ['octant-exec.dev/mode'] });
});

test("a Pod's tab is an Exec flexlayout with the embed page and the quick-action buttons", () => {
  const plugin = loadPlugin();
  const response = JSON.parse(JSON.stringify(plugin.tabHandler({ object: pod('kube-system', 'web-7d9f8.v2'), clientState: {} })));
  assert.is(response.tab.name, 'Exec');
  assert.equal(shapeProblems(response.tab.contents), []);
  const frame = response.tab.contents.config.sections[0][0].view;
  const url = new URL(frame.config.url);
  assert.is(url.origin + url.pathname, 'http://127.0.0.1:7788/embed');
  assert.is(url.searchParams.get('namespace'), 'kube-system');
  assert.is(url.searchParams.get('pod'), 'web-7d9f8.v2');
  const buttons = response.tab.contents.config.buttonGroup.config.buttons.map((b: Json) => b.config.name);
  assert.equal(buttons, ['Shell in the default container', 'Shell in all containers']);
});

test('a quick-action button switches the tab to that mode for that pod only', () => {
  const plugin = loadPlugin();
  const first = plugin.tabHandler({ object: pod('default', 'web') });
  const allButton = first.tab.contents.config.buttonGroup.config.buttons[1].config;
  plugin.actionHandler({ actionName: allButton.payload.action, payload: allButton.payload });
  const url = new URL(plugin.tabHandler({ object: pod('default', 'web') }).tab.contents.config.sections[0][0].view.config.url);
  assert.is(url.searchParams.get('mode'), 'shell-all');
  const other = new URL(plugin.tabHandler({ object: pod('default', 'db') }).tab.contents.config.sections[0][0].view.config.url);
  assert.is(other.searchParams.get('mode'), null);
  plugin.actionHandler({ actionName: 'octant-exec.dev/mode', payload: { namespace: 'default', pod: 'web', mode: 'rm -rf' } });
  assert.is(new URL(plugin.tabHandler({ object: pod('default', 'web') }).tab.contents.config.sections[0][0].view.config.url).searchParams.get('mode'), 'shell-all', 'unknown modes are ignored');
});

test('an unstructured wrapper is read too; an object without a name is an error', () => {
  const plugin = loadPlugin();
  const url = plugin.tabHandler({ object: { Object: pod('batch', 'worker-0') } }).tab.contents.config.sections[0][0].view.config.url;
  assert.match(url, /namespace=batch&pod=worker-0$/);
  assert.throws(() => plugin.tabHandler({ object: {} }), /metadata\.name/);
});

test('the server URL must be http(s)', async () => {
  let error: unknown;
  try {
    await withTempDir((dir) => buildOctantPlugin(join(dir, 'x.js'), 'javascript:alert(1)'));
  } catch (e) {
    error = e;
  }
  assert.match(String(error), /must be an http\(s\) URL/);
  assert.throws(() => pluginWithUrl(source, 'http://x/"+alert(1)+"'), /must be an http\(s\) URL/);
});

test("the package's build takes no address from OCTANT_EXEC_URL (a CLI user's exported one is a passing server's): only the build by hand does", async () => {
  const before = process.env.OCTANT_EXEC_URL;
  process.env.OCTANT_EXEC_URL = 'http://127.0.0.1:40229/';
  try {
    await withTempDir(async (dir) => {
      const packaged = readFileSync(await buildOctantPlugin(join(dir, 'x.js')), 'utf8').split('\n')[0];
      assert.ok(packaged.includes(JSON.stringify(defaultServerUrl)), packaged);
      const byHand = spawnSync('node', ['--import', 'tsx', 'scripts/build-octant.ts', join(dir, 'y.js')], { cwd: checkout, encoding: 'utf8', timeout: 60_000 });
      assert.is(byHand.status, 0, byHand.stderr);
      const first = readFileSync(join(dir, 'y.js'), 'utf8').split('\n')[0];
      assert.ok(first.includes('"http://127.0.0.1:40229/"'), first);
    });
  } finally {
    if (before === undefined) delete process.env.OCTANT_EXEC_URL;
    else process.env.OCTANT_EXEC_URL = before;
  }
});

test("the address is the file's first line; another one takes its place, once", () => {
  assert.match(source, /^var OCTANT_EXEC_URL = "http:\/\/127\.0\.0\.1:7788\/";\n/);
  const moved = pluginWithUrl(source, 'https://exec.example:9443');
  assert.is(moved.split('\n')[0], 'var OCTANT_EXEC_URL = "https://exec.example:9443";');
  assert.is(moved.match(/OCTANT_EXEC_URL = /g)!.length, 1);
  const url = new URL(loadPlugin(moved).tabHandler({ object: pod('default', 'web') }).tab.contents.config.sections[0][0].view.config.url);
  assert.is(url.origin, 'https://exec.example:9443');
});

test.run();
