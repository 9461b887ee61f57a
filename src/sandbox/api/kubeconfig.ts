// The kubeconfigs the sandbox hands out, its admin's and one per user: CA data, server URL and
// bearer token under one context, set as current, so `kubectl --kubeconfig FILE` and
// client-node's loadFromFile work unchanged.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, parse } from 'node:path';

export const SANDBOX_CONTEXT = 'octant-exec-sandbox';

export interface KubeconfigFields {
  server: string;
  caPem: string;
  token: string;
  namespace?: string;
  /** the name of the cluster and the context; the admin's is SANDBOX_CONTEXT */
  context?: string;
  /** the name of the user entry; default: the context's */
  user?: string;
}

export function kubeconfigYaml({ server, caPem, token, namespace = 'default', context = SANDBOX_CONTEXT, user = context }: KubeconfigFields): string {
  const caData = Buffer.from(caPem).toString('base64');
  // Every value is quoted as JSON, which is valid YAML, so no character can break the file.
  const q = JSON.stringify;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(context)}`,
    '  cluster:',
    `    server: ${q(server)}`,
    `    certificate-authority-data: ${q(caData)}`,
    'users:',
    `- name: ${q(user)}`,
    '  user:',
    `    token: ${q(token)}`,
    'contexts:',
    `- name: ${q(context)}`,
    '  context:',
    `    cluster: ${q(context)}`,
    `    user: ${q(user)}`,
    `    namespace: ${q(namespace)}`,
    `current-context: ${q(context)}`,
    'preferences: {}',
    '',
  ].join('\n');
}

/**
 * Written owner-only: the token in it runs commands on this machine. Into a new file beside
 * `path`, then renamed over it: a file already there (`--kubeconfig-out` onto an old kubeconfig)
 * kept its mode, world-readable maybe, and a symbolic link there was written through.
 */
export function writeKubeconfig(path: string, fields: KubeconfigFields): void {
  const fresh = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}`);
  writeFileSync(fresh, kubeconfigYaml(fields), { mode: 0o600, flag: 'wx' }); // wx: never through a file planted at that name
  try {
    renameSync(fresh, path);
  } catch (error) {
    rmSync(fresh, { force: true });
    throw error;
  }
}

/** Where a user's kubeconfig goes: next to the admin's, the user's name before its extension (`kubeconfig-alice`, `kc-alice.yaml`). */
export function userKubeconfigPath(adminPath: string, user: string): string {
  const { dir, name, ext } = parse(adminPath);
  return join(dir, `${name}-${user}${ext}`);
}
