// Which cluster octant-exec talks to: with --in-cluster, the one it runs in, as its pod's service
// account (team mode, deployed); else the user's kubeconfig when there is a usable one, else (or
// with --sandbox) the built-in sandbox cluster, reached through the kubeconfig it writes and the
// same adapters as a real cluster. Used by the server and by `octant-exec batch`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import { KubeContexts, loadKubeconfig } from '../adapters/kubernetes/kubeconfig.ts';
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

/**
 * The kubeconfig kubectl would use: the explicit one alone; else, when $KUBECONFIG names files,
 * those that exist merged as kubectl merges them (the first to name an entry or set the current
 * context wins); else ~/.kube/config. No file there (but $KUBECONFIG's files are not all missing),
 * only empty ones, or ones naming no context at all: undefined, and the sandbox stands in. Files there that cannot be used (one does not parse,
 * the current context names nothing, none is set) are a problem, as they are to kubectl: a batch
 * run against the sandbox's pods instead would be worse than stopping. `path` is the files read,
 * joined as $KUBECONFIG joins them.
 */
export function findKubeconfig(options: Pick<ClusterChoiceOptions, 'kubeconfig' | 'context' | 'env'>): { path: string; contexts: KubeContexts } | { problem: string } | undefined {
  const env = options.env ?? process.env;
  if (options.kubeconfig) {
    try {
      return { path: options.kubeconfig, contexts: usable(options.kubeconfig, options.context) };
    } catch (error) {
      const why = denied(error) ? `${whyUnusable(error)}, or name another` : `cannot be used: ${oneLine(error)}`;
      return { problem: `--kubeconfig ${options.kubeconfig} ${why}` };
    }
  }
  // Set to separators alone (":"), $KUBECONFIG names no file, and kubectl then reads none: not ~/.kube/config
  const named = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const files: { path: string; config: ReturnType<typeof loadKubeconfig> }[] = [];
  for (const path of env.KUBECONFIG ? named : [join(env.HOME ?? homedir(), '.kube', 'config')]) {
    try {
      if (!isFile(path)) continue;
      if (blank(readFileSync(path, 'utf8'))) continue; // kubectl reads an empty file as an empty config
      files.push({ path, config: loadKubeconfig(path) });
    } catch (error) {
      return { problem: `${path} ${whyUnusable(error)}, name another with --kubeconfig, or use the built-in cluster with --sandbox` };
    }
  }
  // $KUBECONFIG set to files that are none of them there: a typo, or a config not made yet; the
  // sandbox's pods in its place would take a batch meant for a cluster
  if (named.length && !named.some((path) => existsSync(path))) {
    return { problem: `$KUBECONFIG names ${named.join(', ')}, and none of ${named.length > 1 ? 'them is' : 'it is'} there: fix or unset it, name a file with --kubeconfig, or use the built-in cluster with --sandbox` };
  }
  if (files.length === 0) return undefined;
  const where = files.map((file) => file.path).join(', ');
  const chooseAnother = 'Pick a context it has with --context, or use the built-in cluster with --sandbox';
  let contexts: KubeContexts;
  try {
    contexts = KubeContexts.merged(files.map((file) => file.config), where, options.context);
  } catch (error) {
    return { problem: `${where} cannot be used: ${oneLine(error)}. ${chooseAnother}` };
  }
  if (!contexts.current) {
    if (contexts.names().length === 0) return undefined; // an empty config names no cluster: as if there were none
    return { problem: `${where} ${files.length > 1 ? 'set' : 'sets'} no current context: pick one with --context (kubectl config get-contexts lists them), or use the built-in cluster with --sandbox` };
  }
  try {
    contexts.config(); // throws when the current context points nowhere
  } catch (error) {
    const setter = options.context ? where : (files.find((file) => file.config.currentContext)?.path ?? where);
    return { problem: `${setter} cannot be used: ${oneLine(error)}${files.length > 1 ? ` (read with ${where})` : ''}. ${chooseAnother}` };
  }
  return { path: files.map((file) => file.path).join(delimiter), contexts };
}

function usable(path: string, context: string | undefined): KubeContexts {
  const contexts = KubeContexts.fromFile(path, context);
  if (!contexts.current) throw new Error(contexts.names().length ? 'it has no current context (pass --context)' : 'it has no contexts');
  contexts.config(); // throws when the current context points nowhere
  return contexts;
}

/** Nothing but comments and document markers: a YAML document of nothing. */
function blank(text: string): boolean {
  return text.split('\n').every((line) => /^\s*(#.*|---\s*|\.\.\.\s*)?$/.test(line));
}

/** A file there; a folder or nothing is not; a refusal to look throws. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as { code?: string }).code ?? '')) return false;
    throw error;
  }
}

const denied = (error: unknown) => ['EACCES', 'EPERM'].includes((error as { code?: string }).code ?? '');

/** Why a kubeconfig file there cannot be used, and the first thing to do about it. */
function whyUnusable(error: unknown): string {
  if (denied(error)) return 'cannot be read by this user (permission denied, on it or a folder above it): make it readable (chmod u+r, or chown it to this user)';
  return `cannot be used: ${oneLine(error)}. Fix it`;
}

/** A parser's message can run to several lines (an excerpt of the YAML): the first says what is wrong. */
function oneLine(error: unknown): string {
  return ((error as Error).message.split('\n')[0] ?? '').trim().replace(/[.:]$/, '');
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
