// The "Command" field of the Exec and batch dialogs, with the argv it will run shown below it
// (split by the documented rule, src/domain/command-line.ts), or why it cannot be split or the
// server would refuse it.
import { argvProblem, splitCommandLine, type SplitResult } from '../../src/domain/command-line.ts';

/**
 * What the line runs: undefined while it is empty (each dialog says what that means), else its
 * argv, or why the server would refuse it: the preview never says "Runs" of a command that will not.
 */
export function commandOf(line: string): SplitResult | undefined {
  if (!line.trim()) return undefined;
  const split = splitCommandLine(line);
  if ('error' in split) return split;
  const problem = argvProblem(split.argv);
  return problem ? { error: problem } : split;
}

export function CommandField(props: { id: string; line: string; parsed: SplitResult | undefined; placeholder: string; whenEmpty: string; onLine: (line: string) => void }) {
  const { id, parsed } = props;
  return (
    <>
      <div class="field">
        <label for={id}>Command</label>
        <input
          id={id}
          type="text"
          value={props.line}
          autoComplete="off"
          spellcheck={false}
          placeholder={props.placeholder}
          aria-describedby={`${id}-argv`}
          aria-invalid={parsed && 'error' in parsed ? true : undefined}
          onInput={(e) => props.onLine((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <p id={`${id}-argv`} class={parsed && 'error' in parsed ? 'argv error' : 'argv'} aria-live="polite">
        {argvPreview(parsed, props.whenEmpty)}
      </p>
    </>
  );
}

function argvPreview(parsed: SplitResult | undefined, whenEmpty: string): string {
  if (parsed === undefined) return whenEmpty;
  if ('error' in parsed) return parsed.error;
  return `Runs argv: [${parsed.argv.map((w) => JSON.stringify(w)).join(', ')}], never through a shell.`;
}
