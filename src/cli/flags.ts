// The one flag parser of every command: node:util's parseArgs (its tokens) over the command's
// spec, so every command takes flags the same way (--flag VALUE, --flag=VALUE, -f VALUE, -fVALUE,
// -- before words that start with a dash; a boolean's --flag=true|false as kubectl takes it) and
// refuses them in the same words, naming the nearest valid spelling. A spec is plain data: the
// help text and shell completion are made from it too.
import { parseArgs } from 'node:util';
import { nearest } from './nearest.ts';
import { UsageError } from './usage.ts';

/** What completes a flag's value or an operand: fixed words, or names read from the kubeconfig and the cluster. */
export type Completes = readonly string[] | 'context' | 'namespace' | 'pod' | 'container' | 'file';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** may be given more than once; the values are kept in order */
  readonly multiple?: boolean;
  /** what the value is, as the help shows it: N, FILE, NAME, … */
  readonly value?: string;
  /** lines after the first are continuation lines */
  readonly help: string;
  /** the heading it is listed under (default "Options") */
  readonly section?: string;
  readonly completes?: Completes;
}

export interface CommandSpec {
  /** as typed after `octant-exec` */
  readonly name: string;
  /** what follows "Usage: " */
  readonly usage: string;
  /** one line, for the list of commands */
  readonly summary: string;
  /** what the command does, between the usage line and the flags */
  readonly about?: string;
  readonly flags: { readonly [name: string]: FlagSpec };
  /** the words the first operand must be (log's stats, verify, …), each with its line of help */
  readonly subcommands?: { readonly [name: string]: string };
  /** what the operands are, for completion */
  readonly operands?: Completes;
  /** the words after `--` are a command to run, not operands (batch) */
  readonly commandAfterDashes?: boolean;
  /** after the flags */
  readonly footer?: string;
}

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : F['multiple'] extends true ? string[] : string;

export type FlagValues<S extends CommandSpec> = { -readonly [K in keyof S['flags']]?: ValueOf<S['flags'][K]> } & { help?: boolean };

export interface ParsedArgs<S extends CommandSpec = CommandSpec> {
  values: FlagValues<S>;
  /** the first operand, when the command has subcommands */
  subcommand?: string;
  /** the words that are not flags (after the subcommand) */
  operands: string[];
  /** the words after `--`, for a command that runs one */
  command: string[];
  /** `--` was given (with nothing after it, `command` is empty all the same) */
  dashes: boolean;
}

/** Every command takes --help; it is not repeated in each spec. */
export const helpFlag: FlagSpec = { type: 'boolean', short: 'h', help: 'this text' };

export function flagsOf(spec: CommandSpec): { readonly [name: string]: FlagSpec } {
  return { ...spec.flags, help: helpFlag };
}

/** The flags as node:util's parseArgs takes them. */
export function parseArgsOptions(flags: { readonly [name: string]: FlagSpec }): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  return Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, { type: f.type, ...(f.short ? { short: f.short } : {}) }]));
}

/** pflag's (kubectl's) explicit value of a boolean flag: `--tty=false`, `-t=true` */
const BOOLEAN_VALUES: Readonly<Record<string, boolean>> = { true: true, false: false };

/** Throws a UsageError (one line) for anything the spec does not accept. */
export function parseFlags<S extends CommandSpec>(spec: S, args: readonly string[]): ParsedArgs<S> {
  const split = spec.commandAfterDashes ? args.indexOf('--') : -1;
  const flags = flagsOf(spec);
  const options = parseArgsOptions(flags);
  // `-t=false` would be read as the letters -t -= -f -a …: it is --tty=false, as pflag reads it
  const words = (split >= 0 ? args.slice(0, split) : [...args]).map((word) => {
    const short = /^-([A-Za-z])=(true|false)$/.exec(word);
    const named = short && Object.entries(flags).find(([, f]) => f.short === short[1] && f.type === 'boolean');
    return named ? `--${named[0]}=${short[2]}` : word;
  });
  // not strict: parseArgs's own errors are long and name no alternative; the tokens say everything needed
  const { tokens } = parseArgs({ args: words, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  const operands: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') operands.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = flags[token.name];
    if (!flag) {
      // `exec web ls -l` without its --: after the pod, a short option (every letter is one edit
      // from one of exec's) or a long one near none of exec's is the command's; a near one
      // (`exec web --contianer nginx`) is a typo of exec's own, placed as kubectl's users do
      const long = token.rawName.startsWith('--');
      if (spec.commandAfterDashes && split < 0 && operands.length > 0 && !(long && nearest(token.rawName, spellingsFor(token.rawName, flags)))) {
        throw new UsageError(`unknown option "${token.rawName.slice(0, 60)}": a command and its options go after -- (${spec.usage})`);
      }
      throw new UsageError(unknownFlag(token.rawName, flags));
    }
    if (flag.type === 'boolean') {
      if (token.value !== undefined && !Object.hasOwn(BOOLEAN_VALUES, token.value)) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = token.value === undefined ? true : BOOLEAN_VALUES[token.value];
    } else {
      // kubectl's (pflag's) -c=NAME: the value is what follows the "=" (parseArgs keeps it in)
      const value = token.inlineValue && !token.rawName.startsWith('--') && token.value?.startsWith('=') ? token.value.slice(1) : token.value;
      // `--port --json` would take "--json" as the port: a value that starts with -- must be given as --port=VALUE
      if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--'))) throw new UsageError(`${token.rawName} needs a value`);
      if (flag.multiple) ((values[token.name] ??= []) as string[]).push(value);
      else values[token.name] = value;
    }
  }
  // a word a command does not take is a mistake to point out, never something to go on without
  if (!spec.operands && !spec.subcommands && operands.length > 0 && !values.help) throw new UsageError(`unexpected "${operands.join(' ').slice(0, 60)}": this command takes only flags`);
  const parsed: ParsedArgs<S> = { values: values as FlagValues<S>, operands, command: split >= 0 ? args.slice(split + 1) : [], dashes: split >= 0 };
  if (spec.subcommands && !values.help) {
    const names = Object.keys(spec.subcommands);
    const [word, ...rest] = operands;
    if (word === undefined) throw new UsageError(`which command? ${listed(names)}`);
    if (!names.includes(word)) throw new UsageError(`${unknown('command', word, names)}: use ${listed(names)}`);
    parsed.subcommand = word;
    parsed.operands = rest;
  }
  return parsed;
}

/** `unknown option "--nmespace" (did you mean --namespace?)` */
/** the spellings `raw` may be a typo of: a long option's only long ones */
function spellingsFor(raw: string, flags: { readonly [name: string]: FlagSpec }): string[] {
  const spellings = Object.entries(flags).flatMap(([name, f]) => [`--${name}`, ...(f.short ? [`-${f.short}`] : [])]);
  return raw.startsWith('--') ? spellings.filter((s) => s.startsWith('--')) : spellings;
}

function unknownFlag(raw: string, flags: { readonly [name: string]: FlagSpec }): string {
  return unknown('option', raw, spellingsFor(raw, flags));
}

export function unknown(what: string, word: string, valid: readonly string[]): string {
  const guess = nearest(word, valid);
  return `unknown ${what} "${word.slice(0, 60)}"${guess ? ` (did you mean ${guess}?)` : ''}`;
}

function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
