// `octant-exec batch`: one command in many containers at once, each result apart.
import process from 'node:process';
import { ClusterReader } from '../../adapters/kubernetes/cluster.ts';
import { ClusterError } from '../../adapters/cluster.ts';
import { execAdapterFor } from '../../adapters/kubernetes/exec-transport-choice.ts';
import { defaultBatchConcurrency } from '../../domain/batch.ts';
import { nameProblem, type NameKind } from '../../domain/names.ts';
import { MemoryStore } from '../../events/store.ts';
import { resolveBatchTargets } from '../../runtime/batch-targets.ts';
import { chooseCluster } from '../../runtime/cluster-choice.ts';
import { ExecSystem } from '../../runtime/exec-system.ts';
import { within } from '../../domain/within.ts';
import type { ParsedArgs } from '../flags.ts';
import { UsageError, oneOf, wholeNumber } from '../usage.ts';
import { typedPod } from '../typed-pod.ts';
import { endForOutputError } from '../output-errors.ts';
import { BatchPrinter } from './batch-output.ts';
import { pacedOutput } from './output-pacing.ts';
import { batchOutputModes, batchSpec } from './batch-spec.ts';

/** how long the cluster may take to list the targets, unless --request-timeout says (kubectl gives up on a server that does not answer too) */
const TARGETS_WITHIN_SECONDS = 30;

export async function batchCommand({ values, operands, command }: ParsedArgs<typeof batchSpec>): Promise<number> {
  const pods = operands.map((operand) => typedPod(operand) ?? operand);
  if (command.length === 0) throw new UsageError('no command given: put it after --, e.g. octant-exec batch -l app=web -- hostname');
  if (!values.selector && pods.length === 0) throw new UsageError('say which pods: -l SELECTOR or pod names');
  if (values.selector && pods.length) throw new UsageError('use either -l SELECTOR or pod names, not both');
  if (values.container && values['all-containers']) throw new UsageError('use either -c CONTAINER or --all-containers, not both');
  for (const pod of pods) checkName('pod', pod);
  const twice = pods.find((pod, i) => pods.indexOf(pod) !== i);
  if (twice) throw new UsageError(`pod ${twice} is named twice: each pod named runs the command once (as POST /batches refuses it too)`);
  if (values.container) checkName('container', values.container);
  if (values.namespace) checkName('namespace', values.namespace);
  const concurrency = values.concurrency === undefined ? defaultBatchConcurrency : wholeNumber('--concurrency', values.concurrency, 1);
  const timeoutMs = values.timeout === undefined ? undefined : wholeNumber('--timeout', values.timeout, 1) * 1000;
  const listWithinSeconds = values['request-timeout'] === undefined ? TARGETS_WITHIN_SECONDS : wholeNumber('--request-timeout', values['request-timeout'], 1, 3600);
  const output = oneOf('--output', values.output ?? 'prefixed', batchOutputModes);
  const transport = values['exec-transport'] === undefined ? undefined : oneOf('--exec-transport', values['exec-transport'], batchSpec.flags['exec-transport'].completes);

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
        if (entry.type !== 'session.exited' && entry.type !== 'session.failed' && entry.type !== 'session.timedOut' && entry.type !== 'session.disconnected') return;
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
  json?.(`${JSON.stringify({ error: sentence, totals: { succeeded: 0, failed: 0, skipped: 0, notStarted: 0 }, results: [] }, null, 2)}\n`);
  process.stderr.write(`octant-exec batch: ${sentence}\n`);
  return 1;
}

function checkName(kind: NameKind, value: string): void {
  const problem = nameProblem(kind, value);
  if (problem) throw new UsageError(problem);
}
