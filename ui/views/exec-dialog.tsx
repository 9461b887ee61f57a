// The "Exec in pod" dialog: which container (or all), a shell or a command (split into argv by
// the documented quoting, shown before it runs), interactive or not, and how long it may stay
// idle (the server's default at first; out of the server's range it says the range and does not
// run). Enter runs, Escape cancels.
import { useMemo, useState } from 'preact/hooks';
import { fieldState, ModalForm, type FormProblem } from './modal-form.tsx';
import type { ExecCommand, ExecRequest, PodSummary, RecordMode } from '../../src/protocol/index.ts';
import { CommandField, commandOf } from './command-field.tsx';
import { idleFieldDefault, idleTimeoutSeconds, type IdleUnit } from '../state/idle-timeout-field.ts';
import { KIND_TAGS } from './container-kind.ts';

const ALL = '*all*';
const shells = [
  { value: 'auto', text: 'Auto (bash, then sh)' },
  { value: 'sh', text: 'sh' },
  { value: 'bash', text: 'bash' },
  { value: 'zsh', text: 'zsh' },
  { value: 'fish', text: 'fish' },
] as const;

export function containerNote(c: PodSummary['containers'][number]): string {
  if (c.state === 'running') return '';
  return c.reason ? `${c.state}: ${c.reason}` : c.state;
}

export function ExecDialog(props: {
  pod: PodSummary;
  /** the server's idle timeout (GET /info), the field's default */
  serverIdleSeconds: number;
  /** what the server records (GET /info): opt-in shows the Record switch */
  recordMode: RecordMode;
  /** the server records keystrokes too (--record-input): the switch says so */
  recordInput: boolean;
  onRun: (request: Omit<ExecRequest, 'context'>) => void; onClose: () => void }) {
  const { pod } = props;
  const running = pod.containers.filter((c) => c.state === 'running');
  const preferred = running.find((c) => c.name === pod.defaultContainer) ?? running[0];
  // none running: the default container shows, not running, rather than an "All containers" of none
  const [container, setContainer] = useState(preferred?.name ?? pod.defaultContainer ?? ALL);
  const [shell, setShell] = useState<string>('auto');
  const [line, setLine] = useState('');
  const [interactive, setInteractive] = useState(true);
  const [record, setRecord] = useState(false);
  const [idle, setIdle] = useState(() => idleFieldDefault(props.serverIdleSeconds));
  const parsed = useMemo(() => commandOf(line), [line]);
  const idleChoice = idleTimeoutSeconds(idle.text, idle.unit);
  // one at a time, the first that applies; the command's own line says why it cannot be split
  const problem: FormProblem | undefined =
    parsed && 'error' in parsed
      ? { text: parsed.error, shown: false, field: 'exec-command' }
      : running.length === 0
        ? { text: 'No container of this pod is running.', shown: true }
        : 'problem' in idleChoice
          ? { text: idleChoice.problem, shown: true, field: 'exec-idle' }
          : undefined;

  const run = () => {
    if (problem) return;
    const command: ExecCommand = parsed && 'argv' in parsed ? { argv: parsed.argv } : { shell: shell as 'auto' };
    // the server's default is left to the server: only a changed timeout is sent
    const idleTimeout = 'seconds' in idleChoice && idleChoice.seconds !== props.serverIdleSeconds ? { idleTimeoutSeconds: idleChoice.seconds } : {};
    const recorded = record && interactive && props.recordMode === 'opt-in' ? { record: true } : {};
    props.onRun({ namespace: pod.namespace, pod: pod.name, containers: container === ALL ? 'all' : [container], command, interactive, ...idleTimeout, ...recorded });
  };

  return (
    <ModalForm class="exec-dialog" titleId="exec-title" title="Exec in pod" problem={problem} onClose={props.onClose} onRun={run}>
      <p class="muted">
        {pod.namespace}/{pod.name}
      </p>
      <div class="field">
        <label for="exec-container">Container</label>
        <select id="exec-container" value={container} onChange={(e) => setContainer((e.currentTarget as HTMLSelectElement).value)}>
          {pod.containers.map((c) => {
            const note = containerNote(c);
            return (
              <option key={c.name} value={c.name} disabled={c.state !== 'running'}>
                {c.name}
                {c.name === pod.defaultContainer ? ' (default)' : ''}
                {KIND_TAGS[c.kind] ? ` (${KIND_TAGS[c.kind]!.text})` : ''}
                {note ? ` — not running (${note})` : ''}
              </option>
            );
          })}
          <option value={ALL} disabled={running.length === 0}>
            All containers
          </option>
        </select>
      </div>
      {/* with none running, the sentence under the fields says so (and Run is off) */}
      {container === ALL && running.length > 0 && <p class="hint">One terminal in each running container: {running.map((c) => c.name).join(', ')}.</p>}
      {pod.containers.some((c) => c.state !== 'running') && (
        <p class="hint">
          Not running, so not available:{' '}
          {pod.containers
            .filter((c) => c.state !== 'running')
            .map((c) => `${c.name} (${containerNote(c)})`)
            .join(', ')}
          .
        </p>
      )}
      <div class="field">
        <label for="exec-shell">Shell</label>
        <select id="exec-shell" value={shell} disabled={!!line.trim()} onChange={(e) => setShell((e.currentTarget as HTMLSelectElement).value)}>
          {shells.map((s) => (
            <option key={s.value} value={s.value}>
              {s.text}
            </option>
          ))}
        </select>
      </div>
      <CommandField id="exec-command" line={line} parsed={parsed} placeholder="empty: open the shell above" whenEmpty="Runs the shell chosen above." onLine={setLine} />
      <label class="check">
        <input type="checkbox" checked={interactive} onChange={(e) => setInteractive((e.currentTarget as HTMLInputElement).checked)} />
        <span>Interactive</span>
      </label>
      {props.recordMode === 'opt-in' && (
        <label class="check">
          <input type="checkbox" checked={record && interactive} disabled={!interactive} onChange={(e) => setRecord((e.currentTarget as HTMLInputElement).checked)} />
          <span>Record</span>
          <span class="hint"> what the terminal prints{props.recordInput ? ' and keystrokes (passwords typed at prompts included)' : ''}, to play back later (everyone watching sees a REC badge)</span>
        </label>
      )}
      {props.recordMode === 'all' && interactive && <p class="hint">This server records every terminal{props.recordInput ? ', keystrokes included' : ''}.</p>}
      <div class="field">
        <label for="exec-idle">Idle timeout</label>
        <span class="field-row">
          <input id="exec-idle" type="number" min={1} step={1} value={idle.text} {...fieldState('exec-title', problem, 'exec-idle', 'exec-idle-hint')} onInput={(e) => setIdle({ ...idle, text: (e.currentTarget as HTMLInputElement).value })} />
          <select aria-label="Idle timeout unit" value={idle.unit} onChange={(e) => setIdle({ ...idle, unit: (e.currentTarget as HTMLSelectElement).value as IdleUnit })}>
            <option value="s">seconds</option>
            <option value="min">minutes</option>
          </select>
        </span>
      </div>
      <p id="exec-idle-hint" class="hint">
        With no keystroke and no output for this long, the terminal ends. A countdown shows in its last minute, once it has been quiet a minute (none for a timeout of a minute or less). The server's default is {`${props.serverIdleSeconds}\u00a0s`}.
      </p>
    </ModalForm>
  );
}
