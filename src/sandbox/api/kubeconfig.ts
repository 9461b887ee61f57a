// The kubeconfig the sandbox hands out: CA data, server URL and bearer token under one context,
// set as current, so `kubectl --kubeconfig FILE` and client-node's loadFromFile work unchanged.
import { writeFileSync } from 'node:fs';

export const SANDBOX_CONTEXT = 'octant-exec-sandbox';

export interface KubeconfigFields {
  server: string;
  caPem: string;
  token: string;
  namespace?: string;
}

export function kubeconfigYaml({ server, caPem, token, namespace = 'default' }: KubeconfigFields): string {
  const caData = Buffer.from(caPem).toString('base64');
  // Every value is quoted as JSON, which is valid YAML, so no character can break the file.
  const q = JSON.stringify;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(SANDBOX_CONTEXT)}`,
    '  cluster:',
    `    server: ${q(server)}`,
    `    certificate-authority-data: ${q(caData)}`,
    'users:',
    `- name: ${q(SANDBOX_CONTEXT)}`,
    '  user:',
    `    token: ${q(token)}`,
    'contexts:',
    `- name: ${q(SANDBOX_CONTEXT)}`,
    '  context:',
    `    cluster: ${q(SANDBOX_CONTEXT)}`,
    `    user: ${q(SANDBOX_CONTEXT)}`,
    `    namespace: ${q(namespace)}`,
    `current-context: ${q(SANDBOX_CONTEXT)}`,
    'preferences: {}',
    '',
  ].join('\n');
}

/** Written owner-only: the token in it runs commands on this machine. */
export function writeKubeconfig(path: string, fields: KubeconfigFields): void {
  writeFileSync(path, kubeconfigYaml(fields), { mode: 0o600 });
}
