// `octant-exec batch`: one command in many containers at once, each result apart.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { ClusterReader } from '../adapters/kubernetes/cluster.ts';
import { execAdapterFor, parseExecTransportChoice, type ExecTransportChoice } from '../adapters/kubernetes/exec-transport-choice.ts';
import { defaultBatchConcurrency } from '../domain/batch.ts';
import { nameProblem } from '../domain/names.ts';
import { MemoryStore } from '../events/store.ts';
import { resolveBatchTargets } from '../runtime/batch-targets.ts';
import { ExecSystem } from '../runtime/exec-system.ts';
import { BatchPrinter, batchOutputModes, type BatchOutputMode } from './batch-output.ts';
import { chooseCluster } from '../runtime/cluster-choice.ts';
import { UsageError, positiveInteger } from './usage.ts';

const help = `Usage: octant-exec batch [options] (-l SELECTOR | POD...) -- COMMAND [ARGS...]

Runs COMMAND (as argv, never through a shell) in many containers at once and reports each
result on its own.

Targets:
  -n, --namespace NS       namespace of the pods (default: the context's, else "default")
  -l, --selector SELECTOR  every pod matching a label selector (e.g. app=worker)
  POD...                   or pods by name
  -c, --container NAME     this container in each pod (default: each pod's default container)
      --all-containers     every container of each pod
Running:
      --concurrency N      at most N execs at once (default ${defaultBatchConcurrency})
      --timeout SECONDS    end each exec that runs longer
      --output MODE        prefixed (default): "pod/container | line" as lines arrive ("!" for stderr)
                           grouped: each container's output as one block when it ends
                           json: one JSON document with the summary and every output
Cluster:
      --kubeconfig FILE    (default: $KUBECONFIG, then ~/.kube/config)
      --context NAME       kubeconfig context (default: the current one)
      --sandbox            use the built-in sandbox cluster
      --exec-transport T   auto (default: WebSocket, SPDY when refused), websocket, or spdy
The summary table goes to stderr. Exit status: 0 when every container ran and exited 0, else 1
(2 for a usage error). Containers that are not running are reported as skipped and count as not 0.
`;

export async function batchCommand(args: string[]): Promise<number> {
  const split = args.indexOf('--');
  const command = split >= 0 ? args.slice(split + 1) : [];
  let parsed;
  try {
    parsed = parseArgs({
      args: split >= 0 ? args.slice(0, split) : args,
      allowPositionals: true,
      options: {
        namespace: { type: 'string', short: 'n' },
        selector: { type: 'string', short: 'l' },
        container: { type: 'string', short: 'c' },
        'all-containers': { type: 'boolean' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        output: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        sandbox: { type: 'boolean' },
        'exec-transport': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals: pods } = parsed;
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  let concurrency: number, timeoutMs: number | undefined, output: BatchOutputMode, transport: ExecTransportChoice;
  try {
    if (command.length === 0) throw new UsageError('no command given: put it after --, e.g. octant-exec batch -l app=web -- hostname');
    if (!values.selector && pods.length === 0) throw new UsageError('say which pods: -l SELECTOR or pod names');
    if (values.selector && pods.length) throw new UsageError('use either -l SELECTOR or pod names, not both');
    if (values.container && values['all-containers']) throw new UsageError('use either -c CONTAINER or --all-containers, not both');
    for (const pod of pods) if (nameProblem('pod', pod)) throw new UsageError(nameProblem('pod', pod)!);
    if (values.container && nameProblem('container', values.container)) throw new UsageError(nameProblem('container', values.container)!);
    if (values.namespace && nameProblem('namespace', values.namespace)) throw new UsageError(nameProblem('namespace', values.namespace)!);
    concurrency = values.concurrency === undefined ? defaultBatchConcurrency : positiveInteger('--concurrency', values.concurrency);
    timeoutMs = values.timeout === undefined ? undefined : positiveInteger('--timeout', values.timeout) * 1000;
    output = (values.output ?? 'prefixed') as BatchOutputMode;
    transport = asUsage(() => parseExecTransportChoice(values['exec-transport']));
    if (!batchOutputModes.includes(output)) throw new UsageError(`--output must be one of ${batchOutputModes.join(', ')}`);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }

  let cluster;
  try {
    cluster = await chooseCluster({ kubeconfig: values.kubeconfig, context: values.context, sandbox: values.sandbox });
  } catch (error) {
    return usage((error as Error).message);
  }
  process.stderr.write(`octant-exec: ${cluster.note}\n`);
  const system = ExecSystem.open({ adapter: execAdapterFor(cluster.contexts, transport), store: new MemoryStore(), config: { maxLiveSessions: concurrency } });
  const stop = () => system.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const namespace = values.namespace ?? cluster.contexts.defaultNamespace();
    const { targets, skipped } = await resolveBatchTargets(new ClusterReader(cluster.contexts), {
      namespace,
      pods,
      labelSelector: values.selector,
      container: values.container,
      allContainers: values['all-containers'],
    });
    const printer = new BatchPrinter(output, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
    const label = (sessionId: string) => {
      const target = system.sessionList.byId[sessionId]?.target;
      return target ? `${target.pod}/${target.container}` : sessionId;
    };
    system.io.listen({ output: (sessionId, channel, chunk) => printer.output(sessionId, label(sessionId), channel, chunk) });
    const finished = new Promise<string>((resolve) =>
      system.onEntry((entry) => {
        if (entry.type === 'batch.finished') resolve(entry.batchId);
        if (entry.type !== 'session.exited' && entry.type !== 'session.failed' && entry.type !== 'session.timedOut' && entry.type !== 'session.disconnected') return;
        const row = system.batches.sessions[entry.sessionId];
        if (row) printer.ended(entry.sessionId, label(entry.sessionId), system.batches.byId[row[0]].results[row[1]]);
      }),
    );
    const batchId = system.batch({ argv: command, requestedBy: cluster.contexts.user(), concurrency, ...(timeoutMs ? { timeoutMs } : {}) }, targets, skipped);
    await finished;
    const batch = system.batches.byId[batchId];
    printer.finish(batch);
    return batch.totals.failed === 0 && batch.totals.skipped === 0 && batch.totals.succeeded > 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    system.shutdown();
    await cluster.close();
  }
}

function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function usage(message: string): number {
  process.stderr.write(`octant-exec batch: ${message} (see octant-exec batch --help)\n`);
  return 2;
}
