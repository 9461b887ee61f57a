// The body of POST /api/v1/exec, checked strictly before anything reaches the cluster: known
// keys only, Kubernetes names (SECURITY.md item 4), commands as argv arrays (item 6). A command
// line typed as text is split by the shell-like quoting rule of src/domain/command-line.ts and
// never given to a shell.
import { ARGV_MAX_WORDS, argvProblem, splitCommandLine } from '../domain/command-line.ts';
import { shellNames, type ActionMode, type ExecCommand, type ShellName } from '../domain/exec-action.ts';
import { DEFAULT_DEBUG_IMAGES } from '../domain/debug-images.ts';
import { parseMode } from './mode-body.ts';
import { isObject } from './json-object.ts';
import { nameProblem, type NameKind } from '../domain/names.ts';
import { HttpError } from './replies.ts';

/** longest per-action idle timeout a request may ask for: a day */
const MAX_IDLE_SECONDS = 86_400;

export interface ExecBody {
  context?: string;
  namespace: string;
  pod: string;
  containers: string[] | 'all';
  command: ExecCommand;
  interactive: boolean;
  /** a non-interactive exec with stdin */
  stdin?: true;
  idleTimeoutMs?: number;
  /** absent: a plain exec */
  mode?: ActionMode;
  /** record its runs (docs/recordings.md) */
  record?: true;
}

const allowedKeys = new Set(['context', 'namespace', 'pod', 'container', 'containers', 'command', 'interactive', 'stdin', 'idleTimeoutSeconds', 'mode', 'record']);

/** `debugImages`: what a debug action may run (the server's --debug-image list). */
export function parseExecBody(body: unknown, debugImages: readonly string[] = DEFAULT_DEBUG_IMAGES): ExecBody {
  if (!isObject(body)) throw new HttpError(400, 'The body must be a JSON object: {namespace, pod, containers, command, interactive}.');
  for (const key of Object.keys(body)) if (!allowedKeys.has(key)) throw new HttpError(400, `Unknown field "${key.slice(0, 40)}": allowed are ${[...allowedKeys].join(', ')}.`);
  const { context, namespace, pod, container, containers, command, interactive, stdin, idleTimeoutSeconds, mode, record } = body;
  if (context !== undefined && (typeof context !== 'string' || context === '' || context.length > 253)) throw new HttpError(400, 'context must be a context name from GET /api/v1/contexts.');
  checkName('namespace', namespace);
  checkName('pod', pod);
  if (container !== undefined && containers !== undefined) throw new HttpError(400, 'Give either container or containers, not both.');
  let chosen: string[] | 'all';
  if (containers === 'all') chosen = 'all';
  else if (container !== undefined) chosen = [container as string];
  else if (Array.isArray(containers)) chosen = containers as string[];
  else throw new HttpError(400, 'containers must be "all" or a list of container names (or give one container).');
  if (chosen !== 'all') {
    if (chosen.length === 0 || chosen.length > 64) throw new HttpError(400, 'containers must name 1 to 64 containers.');
    for (const name of chosen) checkName('container', name);
    if (new Set(chosen).size !== chosen.length) throw new HttpError(400, 'containers names a container twice.');
  }
  if (interactive !== undefined && typeof interactive !== 'boolean') throw new HttpError(400, 'interactive must be true or false.');
  if (stdin !== undefined && typeof stdin !== 'boolean') throw new HttpError(400, 'stdin must be true or false.');
  if (stdin === true && interactive !== false) throw new HttpError(400, 'stdin is for an exec without a terminal (interactive: false); a terminal has stdin already.');
  if (record !== undefined && typeof record !== 'boolean') throw new HttpError(400, 'record must be true or false.');
  if (record === true && interactive === false) throw new HttpError(400, 'record is for a terminal: a command without one (interactive: false) is not recorded.');
  const idleTimeoutMs = optionalSeconds('idleTimeoutSeconds', idleTimeoutSeconds, MAX_IDLE_SECONDS);
  const parsedMode = parseMode(mode, debugImages);
  if (parsedMode) {
    if (chosen === 'all' || chosen.length !== 1) throw new HttpError(400, `A ${parsedMode.kind} action is for one container: give "container".`);
    if (interactive === false) throw new HttpError(400, `A ${parsedMode.kind} action opens a terminal: interactive cannot be false.`);
    if (parsedMode.kind === 'attach' && command !== undefined) throw new HttpError(400, 'An attach runs no command (it joins the main process): leave command out.');
  }
  return {
    ...(context !== undefined ? { context: context as string } : {}),
    namespace,
    pod,
    containers: chosen,
    command: parseCommand(command),
    interactive: interactive ?? true,
    ...(stdin === true ? { stdin: true as const } : {}),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    ...(parsedMode ? { mode: parsedMode } : {}),
    ...(record === true ? { record: true as const } : {}),
  };
}

function parseCommand(command: unknown): ExecCommand {
  if (command === undefined) return { shell: 'auto' };
  if (!isObject(command) || Object.keys(command).length !== 1) throw new HttpError(400, 'command must be {"shell": "auto"|"sh"|"bash"|"zsh"|"fish"}, {"argv": [...]} or {"line": "..."}.');
  if ('shell' in command) {
    const shell = command.shell;
    if (shell !== 'auto' && !shellNames.includes(shell as never)) throw new HttpError(400, `shell must be one of auto, ${shellNames.join(', ')}.`);
    return { shell: shell as 'auto' | ShellName };
  }
  if ('argv' in command || 'line' in command) return { argv: parseArgvCommand(command) };
  throw new HttpError(400, 'command must have one of shell, argv or line.');
}

/** A custom command, `{"argv": [...]}` or `{"line": "..."}` (split by the documented rule), as argv. */
export function parseArgvCommand(command: unknown): string[] {
  if (!isObject(command) || Object.keys(command).length !== 1) throw new HttpError(400, 'command must be {"argv": [...]} or {"line": "..."}.');
  if ('argv' in command) return checkArgv(command.argv);
  if ('line' in command) {
    if (typeof command.line !== 'string') throw new HttpError(400, 'command.line must be a string.');
    const split = splitCommandLine(command.line);
    if ('error' in split) throw new HttpError(400, split.error);
    return checkArgv(split.argv);
  }
  throw new HttpError(400, 'command must have argv or line.');
}

function checkArgv(argv: unknown): string[] {
  if (!Array.isArray(argv) || argv.length === 0) throw new HttpError(400, 'The command needs at least one word (argv is a non-empty list of strings).');
  // the count first: a list of a million words is refused before it is walked
  if (argv.length > ARGV_MAX_WORDS) throw new HttpError(400, `The command has more than ${ARGV_MAX_WORDS} words.`);
  if (argv.some((word) => typeof word !== 'string')) throw new HttpError(400, 'Every argv word must be a string.');
  const problem = argvProblem(argv);
  if (problem) throw new HttpError(400, problem);
  return argv as string[];
}

export function checkName(kind: NameKind, value: unknown): asserts value is string {
  const problem = nameProblem(kind, value);
  if (problem) throw new HttpError(400, problem);
}

/** `value` if it is a whole number from `min` to `max`, else a 400 naming `name` and the range. */
export function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}.`);
  return value;
}

/** An optional number of seconds from 1 to `max`, in milliseconds. */
export function optionalSeconds(name: string, value: unknown, max: number): number | undefined {
  return value === undefined ? undefined : wholeNumber(name, value, 1, max) * 1000;
}

