// The flags of `octant-exec batch`. Plain data, loaded for --help and completion without the cluster code.
import { defaultBatchConcurrency } from '../../domain/batch.ts';
import type { CommandSpec } from '../flags.ts';

export const batchOutputModes = ['prefixed', 'grouped', 'json'] as const;
export type BatchOutputMode = (typeof batchOutputModes)[number];

export const batchSpec = {
  name: 'batch',
  usage: 'octant-exec batch [options] (-l SELECTOR | POD...) -- COMMAND [ARGS...]',
  summary: 'one command in many containers at once, each result apart',
  about: `Runs COMMAND (as argv, never through a shell) in many containers at once and reports each
result on its own.`,
  operands: 'pod',
  commandAfterDashes: true,
  flags: {
    namespace: { type: 'string', short: 'n', value: 'NS', section: 'Targets', help: 'namespace of the pods (default: the context\'s, else "default")', completes: 'namespace' },
    selector: { type: 'string', short: 'l', value: 'SELECTOR', section: 'Targets', help: 'every pod matching a label selector (e.g. app=worker)' },
    container: { type: 'string', short: 'c', value: 'NAME', section: 'Targets', help: "this container in each pod (default: each pod's default container)", completes: 'container' },
    'all-containers': { type: 'boolean', section: 'Targets', help: 'every regular container and native sidecar of each pod\n(not init or debug containers)' },
    concurrency: { type: 'string', value: 'N', section: 'Running', help: `at most N execs at once (default ${defaultBatchConcurrency})` },
    timeout: { type: 'string', value: 'SECONDS', section: 'Running', help: 'end each exec that runs longer' },
    output: {
      type: 'string',
      short: 'o',
      value: 'MODE',
      section: 'Running',
      completes: batchOutputModes,
      help: 'prefixed (default): "pod/container | line" as lines arrive\n(stderr\'s as "pod/container ! line", on stderr; a line over 64 KiB\nin pieces of that); grouped: each container\'s output as one block\non stdout when it ends; json: one JSON document with the summary\nand every output (these two keep 8 Mi characters of each\ncontainer\'s stdout and stderr, and say how much more came)',
    },
    kubeconfig: { type: 'string', value: 'FILE', section: 'Cluster', help: "(default: $KUBECONFIG's files, merged; else ~/.kube/config)", completes: 'file' },
    context: { type: 'string', value: 'NAME', section: 'Cluster', help: 'kubeconfig context (default: the current one)', completes: 'context' },
    sandbox: { type: 'boolean', section: 'Cluster', help: 'use the built-in sandbox cluster' },
    'exec-transport': { type: 'string', value: 'T', section: 'Cluster', help: 'auto (default: WebSocket, SPDY when refused), websocket, or spdy', completes: ['auto', 'websocket', 'spdy'] },
    'request-timeout': { type: 'string', value: 'SECS', section: 'Cluster', help: 'how long the cluster may take to list the pods (default 30)' },
  },
  footer: `Targets are pods by name (POD..., or pod/POD... as kubectl writes them) or by -l SELECTOR.
The summary table goes to stderr. Exit status: 0 when every container ran and exited 0, else 1
(2 for a usage error; 141 when the reader of stdout or stderr went away). Containers that are
not running are reported as skipped and count as not 0. Output is read as UTF-8 text (other
bytes show as U+FFFD): for bytes as they are, use exec.`,
} as const satisfies CommandSpec;
