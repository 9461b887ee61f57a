// The address of octant-exec's embed page for one pod. ES5 only (runs inside Octant's goja).

export type EmbedMode = 'view' | 'shell' | 'shell-all';
export var embedModes: EmbedMode[] = ['view', 'shell', 'shell-all'];

export function embedUrl(base: string, namespace: string, pod: string, mode: EmbedMode): string {
  var root = base.replace(/\/+$/, '');
  var query = 'namespace=' + encodeURIComponent(namespace) + '&pod=' + encodeURIComponent(pod);
  if (mode !== 'view') query += '&mode=' + encodeURIComponent(mode);
  return root + '/embed?' + query;
}
