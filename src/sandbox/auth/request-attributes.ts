// What a request asks to do, read from its method, path and query the way kube-apiserver's
// RequestInfo does, for any path (so authorization comes before the routes, and an unknown path
// is refused to someone without rights before it is a 404). `/api/v1/namespaces/NS/pods/P/exec`
// is `get` (GET: the WebSocket upgrade) or `create` (POST: SPDY) on pods/exec in NS, named P;
// `/api`, `/apis/G/V` and `/version` are paths, not resources.
import { resourceAttributes, type Attributes } from '../rbac/attributes.ts';
import { fieldSelectorName } from './field-selector-name.ts';

const NAMESPACE_SUBRESOURCES = ['status', 'finalize'];
const VERBS: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export function requestAttributes(method: string, pathname: string, query: URLSearchParams): Attributes {
  const parts = pathname.split('/').filter(Boolean).map(decodeSegment);
  const grouped = parts[0] === 'apis';
  const nonResource = (): Attributes => ({ resourceRequest: false, verb: method.toLowerCase(), path: pathname });
  // /api/V/RESOURCE… and /apis/GROUP/V/RESOURCE…: anything shorter is discovery, a path.
  if ((parts[0] !== 'api' && !grouped) || parts.length < (grouped ? 4 : 3)) return nonResource();
  const apiGroup = grouped ? parts[1] : '';
  const apiVersion = parts[grouped ? 2 : 1];
  let rest = parts.slice(grouped ? 3 : 2);
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    // `/namespaces/NS` (and its status) is the namespace itself, in its own namespace;
    // `/namespaces/NS/pods` is a namespaced resource.
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.includes(rest[2])) rest = rest.slice(2);
  }
  const [resource, name = '', subresource = ''] = rest;
  let verb = VERBS[method.toUpperCase()] ?? method.toLowerCase();
  let named = name;
  if (!name && verb === 'get') {
    verb = isWatch(query) ? 'watch' : 'list';
    // A list or watch of one object by name is authorized as that object, so resourceNames rules apply.
    named = fieldSelectorName(query.get('fieldSelector') ?? '');
  }
  if (!name && verb === 'delete') verb = 'deletecollection';
  return resourceAttributes({ verb, apiGroup, apiVersion, resource, subresource, namespace, name: named });
}

/** `watch` is a Go bool parameter: absent, "0" and "false" (any case) are no; anything else, "" included, is yes. */
export function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch !== null && watch !== '0' && watch.toLowerCase() !== 'false';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed percent-encoding: judged as sent
  }
}
