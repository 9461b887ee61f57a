// What completes the word under the cursor, from the words before it and the commands' specs:
// a command name, a flag, a flag's value (fixed words, or names from the kubeconfig and the
// cluster), a subcommand, or an operand (batch's pod names). Nothing means "file names" to the
// shell scripts.
import { parseArgs } from 'node:util';
import { commands } from '../commands.ts';
import { flagsOf, parseArgsOptions, type Completes, type FlagSpec } from '../flags.ts';
import { typedPod } from '../typed-pod.ts';

export type ClusterNameKind = 'context' | 'namespace' | 'pod' | 'container';

/** What the words so far say about where to look: the flags of the same names. */
export interface Given {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** for a container: the pods named so far, or the -l selector that picks them */
  pods?: string[];
  selector?: string;
  /** a client of a running server (exec, attach, debug, cp): where it is (--server, --token-file; else the environment's) */
  server?: { url?: string; tokenFile?: string; cookieFile?: string };
}

export type ClusterNames = (kind: ClusterNameKind, given: Given) => Promise<string[]>;

/** `words`: everything after `octant-exec`, the last one being the word to complete (maybe ""). */
export async function completions(words: string[], names: ClusterNames): Promise<string[]> {
  const { joined, splitAtEquals } = joinAssignments(words);
  const current = joined.at(-1) ?? '';
  const before = joined.slice(0, -1);
  const matching = (candidates: readonly string[]) => candidates.filter((c) => c.startsWith(current));
  if (before.length === 0 && !current.startsWith('-')) return matching(Object.keys(commands));
  const named = before.length > 0 && !before[0].startsWith('-');
  const spec = commands[named ? before[0] : 'serve']?.spec;
  if (!spec) return [];
  const rest = named ? before.slice(1) : before;
  if (spec.commandAfterDashes && rest.includes('--')) return []; // the words of the command to run
  const flags = flagsOf(spec);
  const assignment = /^--([a-z][a-z-]*)=(.*)$/s.exec(current);
  if (assignment) {
    if (flags[assignment[1]]?.type !== 'string') return [];
    // `--namespace=de`: the flag's values; bash puts them after its '=', zsh replaces the whole word
    const values = await completions([...before, `--${assignment[1]}`, assignment[2]], names);
    return splitAtEquals ? values : values.map((value) => `--${assignment[1]}=${value}`);
  }
  const { values, positionals } = parseArgs({ args: rest, options: parseArgsOptions(flags), strict: false, allowPositionals: true });
  const given: Given = { kubeconfig: text(values.kubeconfig), context: text(values.context), namespace: text(values.namespace), ...(flags.server ? { server: { url: text(values.server), tokenFile: text(values['token-file']), cookieFile: text(values['cookie-file']) } } : {}) };
  const previous = rest.at(-1);
  const pending = previous === undefined ? undefined : flagOf(previous, flags);
  if (pending?.type === 'string') return matching(await valuesOf(pending.completes, pending.completes === 'container' ? { ...given, ...podsGiven(spec.operands === 'pod' ? positionals : [], values) } : given, names));
  // `-` offers the short spellings too (`-n`), as kubectl's completion does; `--` only the long ones
  if (current.startsWith('-')) return matching(Object.entries(flags).flatMap(([name, flag]) => [`--${name}`, ...(flag.short ? [`-${flag.short}`] : [])]));
  if (spec.subcommands && positionals.length === 0) return matching(Object.keys(spec.subcommands));
  if (spec.operands === 'pod' && text(values.selector) !== undefined) return []; // -l picks the pods: naming one too is refused
  return matching(await valuesOf(spec.operands, given, names));
}

/**
 * Bash cuts every word at '=' (it is in COMP_WORDBREAKS): `--namespace=dev` comes as
 * `--namespace`, `=`, `dev`, and `-l app=web` as `-l`, `app`, `=`, `web`; the word under the cursor
 * is the one after the last `=`, or the `=` itself when nothing follows it yet. zsh keeps each
 * word whole. Both become whole words here (nobody types a lone `=` as a word of ours), and
 * `splitAtEquals` says whether the last one was cut so: then only what follows its `=` is completed.
 */
function joinAssignments(words: string[]): { joined: string[]; splitAtEquals: boolean } {
  const joined: string[] = [];
  let splitAtEquals = false;
  for (let at = 0; at < words.length; at++) {
    if (words[at] !== '=' || joined.length === 0) {
      joined.push(words[at]);
      continue;
    }
    splitAtEquals = at + 1 >= words.length - 1; // the '=', or the word after it, is the one under the cursor
    joined[joined.length - 1] += `=${at + 1 < words.length ? words[++at] : ''}`;
  }
  return { joined, splitAtEquals };
}

function valuesOf(completes: Completes | undefined, given: Given, names: ClusterNames): Promise<readonly string[]> {
  if (completes === undefined || completes === 'file') return Promise.resolve([]);
  if (typeof completes === 'string') return names(completes, given);
  return Promise.resolve(completes);
}

/** The flag a word names when its value is the next word (`--namespace`, `-n`; not `--namespace=x`). */
function flagOf(word: string, flags: { readonly [name: string]: FlagSpec }): FlagSpec | undefined {
  if (word.startsWith('--')) return flags[word.slice(2)];
  if (/^-[A-Za-z]$/.test(word)) return Object.values(flags).find((flag) => flag.short === word[1]);
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The pods a -c is for: those named (POD, NAMESPACE/POD, pod/POD), or the -l selector; a namespace an operand names, unless -n did. */
function podsGiven(operands: string[], values: Record<string, unknown>): Pick<Given, 'pods' | 'selector' | 'namespace'> {
  const pods: string[] = [];
  let namespace = text(values.namespace);
  for (const operand of operands) {
    const slash = operand.indexOf('/');
    const typed = slash < 0 ? undefined : (() => {
      try {
        return typedPod(operand);
      } catch {
        return ''; // a workload's TYPE/NAME: no pod to ask about
      }
    })();
    if (typed === '') continue;
    if (typed === undefined && slash >= 0) namespace ??= operand.slice(0, slash);
    pods.push(typed ?? operand.slice(slash + 1));
  }
  const selector = text(values.selector);
  return { ...(pods.length ? { pods } : {}), ...(selector !== undefined ? { selector } : {}), ...(namespace !== undefined ? { namespace } : {}) };
}
