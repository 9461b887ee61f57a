// The Octant plugin: an "Exec" tab on every Pod that shows octant-exec's embed page for that
// pod, with buttons for the quick actions. Octant (0.25, goja) needs ES5: no const, let, class or
// arrow functions here; esbuild refuses to build the plugin if any slip in.
import { button, flexLayout, iframe } from './components.ts';
import { embedModes, embedUrl, type EmbedMode } from './embed-url.ts';

/** Set when the plugin is built (OCTANT_EXEC_URL), since goja has no environment to read. */
declare var OCTANT_EXEC_URL: string;

export var modeAction = 'octant-exec.dev/mode';

interface PodObject {
  metadata?: { name?: string; namespace?: string };
}

interface ObjectRequest {
  /** the Pod; some Octant builds hand over an unstructured wrapper with the fields in `Object` */
  object?: PodObject & { Object?: PodObject };
}

interface ActionRequest {
  actionName: string;
  payload: { namespace?: string; pod?: string; mode?: string };
}

/** Octant instantiates this as `new _octantPlugin(dashboardClient, httpClient)`. */
export function ExecPlugin(this: ExecPluginInstance, dashboardClient: unknown, httpClient: unknown) {
  this.name = 'octant-exec';
  this.description = 'Terminals in the containers of a pod (octant-exec)';
  this.isModule = false;
  this.capabilities = { supportTab: [{ version: 'v1', kind: 'Pod' }], actionNames: [modeAction] };
  this.dashboardClient = dashboardClient;
  this.httpClient = httpClient;
  this.serverUrl = OCTANT_EXEC_URL;
  this.modes = {};
}

export interface ExecPluginInstance {
  name: string;
  description: string;
  isModule: boolean;
  capabilities: { supportTab: { version: string; kind: string }[]; actionNames: string[] };
  dashboardClient: unknown;
  httpClient: unknown;
  serverUrl: string;
  /** what each pod's tab shows, by "namespace/pod", set by the buttons */
  modes: Record<string, EmbedMode>;
  tabHandler(request: ObjectRequest): unknown;
  actionHandler(request: ActionRequest): void;
}

ExecPlugin.prototype.tabHandler = function (this: ExecPluginInstance, request: ObjectRequest) {
  var pod = podOf(request);
  if (!pod) throw new Error('octant-exec: the tab was asked for an object without metadata.name');
  var mode = this.modes[pod.namespace + '/' + pod.name] || 'view';
  var payload = function (m: EmbedMode) {
    return { action: modeAction, namespace: pod!.namespace, pod: pod!.name, mode: m };
  };
  return {
    tab: {
      name: 'Exec',
      contents: flexLayout(
        'Exec',
        [iframe(embedUrl(this.serverUrl, pod.namespace, pod.name, mode), 'octant-exec terminals for ' + pod.namespace + '/' + pod.name)],
        [button('Shell in the default container', payload('shell')), button('Shell in all containers', payload('shell-all'))],
      ),
    },
  };
};

/** A quick-action button: remember the mode, so the tab Octant renders next opens it. */
ExecPlugin.prototype.actionHandler = function (this: ExecPluginInstance, request: ActionRequest) {
  if (request.actionName !== modeAction) return;
  var p = request.payload;
  if (!p.namespace || !p.pod || embedModes.indexOf(p.mode as EmbedMode) < 0) return;
  this.modes[p.namespace + '/' + p.pod] = p.mode as EmbedMode;
};

function podOf(request: ObjectRequest): { namespace: string; name: string } | undefined {
  var object = request.object && (request.object.metadata ? request.object : request.object.Object);
  var metadata = object && object.metadata;
  if (!metadata || !metadata.name) return undefined;
  return { namespace: metadata.namespace || 'default', name: metadata.name };
}
