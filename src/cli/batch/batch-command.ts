// `octant-exec batch`: one command in many containers at once, each result apart. The command
// line is checked here; the cluster client loads only for a good one (batch-run.ts), so bad
// input is answered at once.
import { defaultBatchConcurrency } from '../../domain/batch.ts';
import { argvProblem } from '../../domain/command-line.ts';
import { nameProblem, type NameKind } from '../../domain/names.ts';
import type { ParsedArgs } from '../flags.ts';
import { UsageError, oneOf, wholeNumber } from '../usage.ts';
import { typedPod } from '../typed-pod.ts';
import { batchOutputModes, batchSpec } from './batch-spec.ts';

/** how long the cluster may take to list the targets, unless --request-timeout says (kubectl gives up on a server that does not answer too) */
const TARGETS_WITHIN_SECONDS = 30;

export async function batchCommand({ values, operands, command }: ParsedArgs<typeof batchSpec>): Promise<number> {
  const pods = operands.map((operand) => typedPod(operand) ?? operand);
  if (command.length === 0) throw new UsageError('no command given: put it after --, e.g. octant-exec batch -l app=web -- hostname');
  // the server's bounds (exec-body.ts): a command past them is refused here, not found out as a cluster that cut the exec off
  const problem = argvProblem(command);
  if (problem) throw new UsageError(problem);
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
  return (await import('./batch-run.ts')).runBatch({ values, pods, command, concurrency, timeoutMs, listWithinSeconds, output, transport });
}

function checkName(kind: NameKind, value: string): void {
  const problem = nameProblem(kind, value);
  if (problem) throw new UsageError(problem);
}
