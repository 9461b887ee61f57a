// The Exec dialog in batch mode, "Run in all containers": one non-interactive command (split into
// argv by the documented quoting, shown before it runs) in every container of the chosen pods,
// at most "Concurrency" at once, each ended after "Timeout (s)" if given. Enter runs, Escape cancels.
import { useMemo, useState } from 'preact/hooks';
import { fieldState, ModalForm, type FormProblem } from './modal-form.tsx';
import { defaultBatchConcurrency } from '../../src/domain/batch.ts';
import type { BatchRequest } from '../../src/protocol/index.ts';
import { CommandField, commandOf } from './command-field.tsx';
import { wholeNumber } from '../state/whole-number.ts';

const MAX_CONCURRENCY = 64;
const MAX_TIMEOUT_SECONDS = 86_400;

export interface BatchTargets {
  namespace: string;
  /** pods by name, or… */
  pods?: string[];
  /** …the pods a label selector matches */
  labelSelector?: string;
}

export function BatchDialog(props: { targets: BatchTargets; onRun: (request: Omit<BatchRequest, 'context'>) => void; onClose: () => void }) {
  const { targets } = props;
  const [line, setLine] = useState('');
  const [concurrency, setConcurrency] = useState(String(defaultBatchConcurrency));
  const [timeout, setTimeoutText] = useState('');
  const parsed = useMemo(() => commandOf(line), [line]);
  const chosenConcurrency = wholeNumber(concurrency, 1, MAX_CONCURRENCY);
  const chosenTimeout = timeout.trim() ? wholeNumber(timeout, 1, MAX_TIMEOUT_SECONDS) : undefined;
  // one at a time, the first that applies; an empty command is where every batch starts, not a mistake
  // to show, and the command's own line says why it cannot be split
  const problem: FormProblem | undefined =
    parsed === undefined
      ? { text: 'Type the command to run in every container.', shown: false }
      : 'error' in parsed
        ? { text: parsed.error, shown: false, field: 'batch-command' }
        : chosenConcurrency === undefined
          ? { text: `Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}.`, shown: true, field: 'batch-concurrency' }
          : timeout.trim() && chosenTimeout === undefined
            ? { text: `The timeout must be empty (none) or a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`, shown: true, field: 'batch-timeout' }
            : undefined;

  const run = () => {
    if (problem || !parsed || 'error' in parsed) return;
    props.onRun({
      namespace: targets.namespace,
      ...(targets.labelSelector ? { labelSelector: targets.labelSelector } : { pods: targets.pods ?? [] }),
      allContainers: true,
      command: { argv: parsed.argv },
      concurrency: chosenConcurrency,
      ...(chosenTimeout !== undefined ? { timeoutSeconds: chosenTimeout } : {}),
    });
  };

  return (
    <ModalForm class="exec-dialog batch-dialog" titleId="batch-title" title="Run in all containers" problem={problem} onClose={props.onClose} onRun={run}>
      <p class="muted">
        {targets.labelSelector ? (
          <>
            Every running container of the pods matching <code>{targets.labelSelector}</code> in {targets.namespace}
          </>
        ) : (
          <>
            Every running container of {targets.pods?.join(', ')} in {targets.namespace}
          </>
        )}
        . Containers that are not running are reported as skipped.
      </p>
      <CommandField id="batch-command" line={line} parsed={parsed} placeholder="e.g. cat /etc/os-release" whenEmpty="Not interactive: each container gets its own terminal with the output." onLine={setLine} />
      <div class="field-row">
        <div class="field">
          <label for="batch-concurrency">Concurrency</label>
          <input id="batch-concurrency" type="number" min={1} max={MAX_CONCURRENCY} step={1} value={concurrency} {...fieldState('batch-title', problem, 'batch-concurrency')} onInput={(e) => setConcurrency((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="batch-timeout">Timeout (s)</label>
          <input id="batch-timeout" type="number" min={1} max={MAX_TIMEOUT_SECONDS} step={1} value={timeout} placeholder="none" {...fieldState('batch-title', problem, 'batch-timeout')} onInput={(e) => setTimeoutText((e.currentTarget as HTMLInputElement).value)} />
        </div>
      </div>
    </ModalForm>
  );
}
