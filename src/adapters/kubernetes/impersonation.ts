// Acting as a person (team mode): every request made for them carries `Impersonate-User` and one
// `Impersonate-Group` line per group, with the server's own credentials. The API server does not
// look an impersonated user's groups up, so the groups must travel too, each on its own line: a
// group may contain a comma, and "a, b" on one line is one group to Kubernetes.
import type { KubeConfig } from '@kubernetes/client-node';
import { Buffer } from 'node:buffer';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Person } from '../../domain/person.ts';

/** C0 controls (CR and LF among them), DEL and C1 controls: nothing a header value may carry. */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
/** a space at either end: an HTTP header value loses it (RFC 9110 5.5), so " system:masters" would arrive as system:masters */
const spaced = /^ | $/;

/**
 * Why this person cannot be sent as impersonation headers, or undefined. The sign-in checks
 * names too; this is the last check before a header line is written (a CR or LF would end it).
 */
export function personProblem(person: Person): string | undefined {
  const shown = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof person.user !== 'string' || person.user === '') return 'The person to act as has no user name.';
  if (controlCharacter.test(person.user)) return `The user name ${shown(person.user)} holds a control character (CR, LF or another): it cannot be sent to the cluster.`;
  // the last guard for every way a person comes (a sign-in, a session cookie from an older build, a voucher): a header drops the spaces around a value
  if (spaced.test(person.user)) return `The user name ${shown(person.user)} starts or ends with a space, which the header would drop: the cluster would read another name.`;
  if (!Array.isArray(person.groups)) return `The groups of ${shown(person.user)} are not a list.`;
  for (const group of person.groups) {
    if (typeof group !== 'string' || group === '') return `A group of ${shown(person.user)} is empty.`;
    if (controlCharacter.test(group)) return `The group ${shown(group)} of ${shown(person.user)} holds a control character (CR, LF or another): it cannot be sent to the cluster.`;
    if (spaced.test(group)) return `The group ${shown(group)} of ${shown(person.user)} starts or ends with a space, which the header would drop: the cluster would read another name.`;
  }
  return undefined;
}

/**
 * The headers; call only for a person without a problem. Node writes header strings as Latin-1,
 * and refuses characters past U+00FF: a name is sent as its UTF-8 bytes, which is what client-go
 * sends and the API server reads.
 */
export function impersonationHeaders(person: Person): { 'Impersonate-User': string; 'Impersonate-Group'?: string[] } {
  const wire = (value: string) => Buffer.from(value, 'utf8').toString('latin1');
  const headers: { 'Impersonate-User': string; 'Impersonate-Group'?: string[] } = { 'Impersonate-User': wire(person.user) };
  if (person.groups.length > 0) headers['Impersonate-Group'] = person.groups.map(wire);
  return headers;
}

/** Sets the headers on request options, replacing any impersonation the kubeconfig asked for (`as:`). */
export function addImpersonation(options: { headers?: OutgoingHttpHeaders }, person: Person): void {
  const headers = (options.headers ??= {});
  for (const name of Object.keys(headers)) if (/^impersonate-/i.test(name)) delete headers[name];
  Object.assign(headers, impersonationHeaders(person));
}

/** One string per person (groups in any order are the same person), for caches and shared watches. */
export function personKey(person: Person | undefined): string {
  return person ? JSON.stringify([person.user, [...person.groups].sort()]) : '';
}

/**
 * The kubeconfig as the person: the same object underneath (its clusters, credentials and token
 * caches are shared, nothing is copied), with `applyToHTTPSOptions` adding the headers. client-node's
 * `applyToFetchOptions` (its Watch) calls that method on `this`, so watches get them too; our
 * WebSocket and SPDY dialers call it directly. Requests of the generated API go through
 * impersonating-http.ts instead (client-node joins header arrays with commas there).
 */
export function impersonating(config: KubeConfig, person: Person): KubeConfig {
  const view = Object.create(config) as KubeConfig;
  view.applyToHTTPSOptions = async (options) => {
    await config.applyToHTTPSOptions(options);
    addImpersonation(options as { headers?: OutgoingHttpHeaders }, person);
  };
  return view;
}
