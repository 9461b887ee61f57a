// `octant-exec batch` once its command line is good (batch-command.ts): lists the targets, runs
// the command in each, prints each result apart and a summary.
import process from 'node:process';
import { ClusterReader } from '../../adapters/kubernetes/cluster.ts';
import { ClusterError } from '../../adapters/cluster.ts';
import { execAdapterFor, type ExecTransportChoice } from '../../adapters/kubernetes/exec-transport-choice.ts';
import { MemoryStore } from '../../events/store.ts';
import { resolveBatchTargets } from '../../runtime/batch-targets.ts';
import { chooseCluster } from '../../runtime/cluster-choice.ts';
import { ExecSystem } from '../../runtime/exec-system.ts';
import { within } from '../../domain/within.ts';
import { RUN_ENDING_FACTS } from '../../domain/run-endings.ts';
import type { ParsedArgs } from '../flags.ts';
import { UsageError } from '../usage.ts';
import { endForOutputError } from '../output-errors.ts';
import { BatchPrinter } from './batch-output.ts';
import { pacedOutput } from './output-pacing.ts';
import type { batchOutputModes, batchSpec } from './batch-spec.ts';

export interface BatchPlan {
  values: ParsedArgs<typeof batchSpec>['values'];
  pods: string[];
  command: string[];
  concurrency: number;
  timeoutMs: number | undefined;
  listWithinSeconds: number;
  output: (typeof batchOutputModes)[number];
  transport: ExecTransportChoice | undefined;
}

export async function runBatch({ values, pods, command, concurrency, timeoutMs, listWithinSeconds, output, transport }: BatchPlan): Promise<number> {
  let cluster;
  try {
    cluster = await chooseCluster({ kubeconfig: values.kubeconfig, context: values.context, sandbox: values.sandbox });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  process.stderr.write(`octant-exec: ${cluster.note}\n`);
  const system = ExecSystem.open({ adapter: execAdapterFor(cluster.contexts, transport), store: new MemoryStore(), config: { maxLiveSessions: concurrency } });
  let stoppedBy: number | undefined; // the exit a shell gives a process ended by the signal: 130, 143; 141: stdout's reader left
  let stopNow = () => {};
  const stopped = new Promise<'stopped'>((resolve) => (stopNow = () => resolve('stopped')));
  const stop = (exit: number) => {
    stoppedBy ??= exit;
    system.shutdown();
    stopNow();
  };
  // `… | head -1`: the reader of stdout or stderr went away, as SIGPIPE would end kubectl: quietly,
  // the execs ended first; a full disk ends at once, with its line (output-errors.ts)
  const paced = pacedOutput(system.io);
  const out = (text: string) => void (stoppedBy !== 141 && paced.write(process.stdout, text));
  const outputError = (stream: NodeJS.WriteStream) => (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? stop(141) : endForOutputError(stream, error));
  const [outGone, errGone] = [outputError(process.stdout), outputError(process.stderr)];
  process.stdout.on('error', outGone);
  process.stderr.on('error', errGone);
  /** the listing was left waiting (a signal, or a cluster that never answered): its request holds the process */
  let leftWaiting = false;
  // one listener each: Deno calls a signal's listener without the signal's name
  const interrupted = () => stop(130);
  const terminated = () => stop(143);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', terminated);
  try {
    const namespace = values.namespace ?? cluster.contexts.defaultNamespace();
    const reader = new ClusterReader(cluster.contexts);
    const listing = resolveBatchTargets(reader, {
      namespace,
      pods,
      labelSelector: values.selector,
      container: values.container,
      allContainers: values['all-containers'],
    }).catch((error: unknown) => {
      if (error instanceof ClusterError) return error; // the cluster's refusal or answer, already a sentence
      throw error;
    });
    const resolved = await within(Promise.race([listing, stopped]), listWithinSeconds * 1000);
    leftWaiting = resolved === 'stopped' || resolved === 'late';
    const fail = (sentence: string) => failed(sentence, output === 'json' ? out : undefined);
    if (resolved === 'stopped') {
      // `… --output json | jq` gets its document on every way out (none for a reader that left)
      if (output === 'json' && stoppedBy !== 141) fail('interrupted while the pods were being listed: nothing was run');
      return stoppedBy!;
    }
    if (resolved === 'late') return fail(`the cluster at ${cluster.contexts.server()} did not answer within ${listWithinSeconds} s: check that it runs and that the kubeconfig points at it (kubectl get pods -n ${namespace}), or give it longer with --request-timeout`);
    if (resolved instanceof ClusterError) return fail(resolved.message);
    const { targets, skipped } = resolved;
    if (values.selector && targets.length === 0 && skipped.length === 0) {
      // a list in a namespace that is not there is empty, as kubectl's is: say which of the two is wrong
      // asked within the same bound: a cluster that stops answering now still gets the sentence below
      const namespaces = await within(reader.namespaces().catch(() => undefined), listWithinSeconds * 1000);
      if (namespaces === 'late') leftWaiting = true;
      else if (namespaces && !namespaces.includes(namespace)) return fail(`there is no namespace "${namespace}" (the cluster has ${namespaces.slice(0, 20).join(', ')}${namespaces.length > 20 ? ', …' : ''}): give one with -n`);
      return fail(`no pod in namespace "${namespace}" matches ${JSON.stringify(values.selector)}: check the selector with kubectl get pods -n ${namespace} -l '${values.selector}'`);
    }
    const printer = new BatchPrinter(output, out, (text) => paced.write(process.stderr, text));
    const label = (sessionId: string) => {
      const target = system.sessionList.byId[sessionId]?.target;
      return target ? `${target.pod}/${target.container}` : sessionId;
    };
    system.io.listen({ output: (sessionId, channel, chunk) => printer.output(sessionId, label(sessionId), channel, chunk) });
    const finished = new Promise<string>((resolve) =>
      system.onEntry((entry) => {
        if (entry.type === 'batch.finished') resolve(entry.batchId);
        if (!RUN_ENDING_FACTS.has(entry.type) || !('sessionId' in entry)) return;
        const row = system.batches.sessions[entry.sessionId];
        if (row) printer.ended(entry.sessionId, label(entry.sessionId), system.batches.byId[row[0]].results[row[1]]);
      }),
    );
    const batchId = system.batch({ argv: command, requestedBy: cluster.contexts.user(), concurrency, ...(timeoutMs ? { timeoutMs } : {}) }, targets, skipped);
    await finished;
    const batch = system.batches.byId[batchId];
    if (stoppedBy !== 141) printer.finish(batch); // no summary for a reader that left
    if (stoppedBy !== undefined) return stoppedBy;
    return batch.totals.failed === 0 && batch.totals.skipped === 0 && batch.totals.succeeded > 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', terminated);
    // a write still under way when this returns is main.ts's to end if it fails (141, as here)
    process.stdout.off('error', outGone);
    process.stderr.off('error', errGone);
    paced.stop();
    system.shutdown();
    await cluster.close();
    // nothing else is left to wait for: the exit code is set by then (main.ts)
    if (leftWaiting) setImmediate(() => process.exit());
  }
}

/** A batch that never began: its sentence, and with --output json a document still (an empty one, saying why). */
function failed(sentence: string, json?: (text: string) => void): number {
  json?.(`${JSON.stringify({ error: sentence, totals: { succeeded: 0, failed: 0, skipped: 0, notStarted: 0, cancelled: 0 }, results: [] }, null, 2)}\n`);
  process.stderr.write(`octant-exec batch: ${sentence}\n`);
  return 1;
}
