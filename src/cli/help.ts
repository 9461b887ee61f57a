// A command's --help, made from its spec: the usage line, what it does, its subcommands, its
// flags under their headings, then the footer. One layout for every command.
import { flagsOf, helpFlag, type CommandSpec, type FlagSpec } from './flags.ts';

/** A left column wider than this starts its help on the next line. */
const MAX_LEFT = 26;

export function renderHelp(spec: CommandSpec): string {
  const flags = Object.entries(flagsOf(spec));
  const shorts = flags.some(([, flag]) => flag.short && flag !== helpFlag);
  const sections = new Map<string, [string, string][]>();
  if (spec.subcommands) sections.set('Commands', Object.entries(spec.subcommands));
  for (const [name, flag] of flags) {
    const section = flag.section ?? 'Options';
    if (!sections.has(section)) sections.set(section, []);
    sections.get(section)!.push([spelling(name, flag, shorts), flag.help]);
  }
  const width = columnWidth([...sections.values()].flat());
  const parts = [`Usage: ${spec.usage}`, ...(spec.about ? [spec.about] : [])];
  for (const [section, rows] of sections) parts.push(`${section}:\n${columns(rows, width)}`);
  if (spec.footer) parts.push(spec.footer);
  return parts.join('\n\n') + '\n';
}

/** `-n, --namespace NS`; long-only flags line up under the long ones when others have a short form. */
function spelling(name: string, flag: FlagSpec, shorts: boolean): string {
  const long = `--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
  if (flag.short && (shorts || flag !== helpFlag)) return `-${flag.short}, ${long}`;
  return shorts ? `    ${long}` : long;
}

function columnWidth(rows: [string, string][]): number {
  return Math.min(MAX_LEFT, Math.max(...rows.map(([left]) => left.length))) + 2;
}

/** Two columns: the left one padded to `width`, continuation lines under the right one. */
export function columns(rows: [string, string][], width = columnWidth(rows)): string {
  const indent = ' '.repeat(width + 2);
  return rows
    .map(([left, right]) => {
      const [first, ...more] = right.split('\n');
      const head = left.length + 2 > width ? `  ${left}\n${indent}${first}` : `  ${left.padEnd(width)}${first}`;
      return [head, ...more.map((line) => indent + line)].join('\n');
    })
    .join('\n');
}
