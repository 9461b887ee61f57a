// Which cluster octant-exec talks to: with --in-cluster, the one it runs in, as its pod's service
// account (team mode, deployed); else the user's kubeconfig when there is a usable one, else (or
// with --sandbox) the built-in sandbox cluster, reached through the kubeconfig it writes and the
// same adapters as a real cluster. Used by the server and by `octant-exec batch`.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { KubeContexts } from '../adapters/kubernetes/kubeconfig.ts';
import { SERVICE_ACCOUNT_DIR } from '../adapters/kubernetes/in-cluster.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.ts';

export interface ClusterChoiceOptions {
  /** a kubeconfig file that must be usable */
  kubeconfig?: string;
  context?: string;
  /** the sandbox even when a kubeconfig exists */
  sandbox?: boolean;
  sandboxOptions?: SandboxOptions;
  /** the cluster this runs in, as the pod's service account; wins over kubeconfig and sandbox */
  inCluster?: boolean;
  /** with inCluster: the service account folder; default /var/run/secrets/kubernetes.io/serviceaccount */
  serviceAccountDir?: string;
  /** where KUBECONFIG, HOME and (in-cluster) KUBERNETES_SERVICE_HOST/_PORT are read; default process.env */
  env?: Record<string, string | undefined>;
}

export interface ClusterChoice {
  /** in-cluster counts as 'kubeconfig' (credentials of a real cluster); `serviceAccountDir` tells them apart */
  kind: 'sandbox' | 'kubeconfig';
  contexts: KubeContexts;
  /** '' in-cluster: there is no file */
  kubeconfigPath: string;
  /** in-cluster: the folder the identity comes from */
  serviceAccountDir?: string;
  /** one line for the user: which cluster, and why */
  note: string;
  sandbox?: Sandbox;
  /** stops the sandbox, if one was started */
  close(): Promise<void>;
}

/** The kubeconfig kubectl would use: the explicit one, $KUBECONFIG's first usable file, ~/.kube/config. */
export function findKubeconfig(options: Pick<ClusterChoiceOptions, 'kubeconfig' | 'context' | 'env'>): { path: string; contexts: KubeContexts } | { problem: string } | undefined {
  const env = options.env ?? process.env;
  if (options.kubeconfig) {
    try {
      return { path: options.kubeconfig, contexts: usable(options.kubeconfig, options.context) };
    } catch (error) {
      return { problem: `--kubeconfig ${options.kubeconfig} cannot be used: ${(error as Error).message}` };
    }
  }
  const candidates = [...(env.KUBECONFIG ?? '').split(delimiter).filter(Boolean), join(env.HOME ?? homedir(), '.kube', 'config')];
  for (const path of candidates) {
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    try {
      return { path, contexts: usable(path, options.context) };
    } catch (error) {
      if (options.context) return { problem: `${path} cannot be used: ${(error as Error).message}` };
    }
  }
  return undefined;
}

function usable(path: string, context: string | undefined): KubeContexts {
  const contexts = KubeContexts.fromFile(path, context);
  if (!contexts.current) throw new Error('it has no current context (pass --context)');
  contexts.config(); // throws when the current context points nowhere
  return contexts;
}

/** Throws an Error whose message says why an explicitly named kubeconfig or context cannot be used. */
export async function chooseCluster(options: ClusterChoiceOptions): Promise<ClusterChoice> {
  if (options.inCluster) return inCluster(options);
  if (options.serviceAccountDir) throw new Error(`--service-account-dir ${options.serviceAccountDir} is only used with --in-cluster`);
  const found = options.sandbox ? undefined : findKubeconfig(options);
  if (found && 'problem' in found) throw new Error(found.problem);
  if (found) {
    return {
      kind: 'kubeconfig',
      contexts: found.contexts,
      kubeconfigPath: found.path,
      note: `cluster: context "${found.contexts.current}" from ${found.path} (${found.contexts.server()})`,
      close: async () => {},
    };
  }
  const sandbox = await startSandbox(options.sandboxOptions);
  return {
    kind: 'sandbox',
    contexts: KubeContexts.fromFile(sandbox.kubeconfigPath),
    kubeconfigPath: sandbox.kubeconfigPath,
    note: `cluster: the built-in sandbox at ${sandbox.server} (${options.sandbox ? '--sandbox' : 'no usable kubeconfig found'}); kubectl --kubeconfig ${sandbox.kubeconfigPath}`,
    sandbox,
    close: () => sandbox.close(),
  };
}

function inCluster(options: ClusterChoiceOptions): ClusterChoice {
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const contexts = KubeContexts.inCluster({ dir, env: options.env });
  const passedOver = [options.kubeconfig && '--kubeconfig', options.context && '--context', options.sandbox && '--sandbox'].filter(Boolean);
  return {
    kind: 'kubeconfig',
    contexts,
    kubeconfigPath: '',
    serviceAccountDir: dir,
    note:
      `cluster: in-cluster at ${contexts.server()} as ${contexts.user()} (token and CA from ${dir}, namespace "${contexts.defaultNamespace()}"); ` +
      `--in-cluster wins over any kubeconfig and the sandbox${passedOver.length ? ` (${passedOver.join(', ')} not used)` : ''}`,
    close: async () => {},
  };
}
