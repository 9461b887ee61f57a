// Prometheus's text exposition format (version 0.0.4), the one every scraper reads: a HELP and a
// TYPE line per family, then one line per sample. Only what the server's own metrics need: gauges
// counters and histograms, label values escaped as the format asks (a backslash, a quote, a newline).

export interface Sample {
  /** a histogram's samples are its name's _bucket (with le), _sum and _count */
  suffix?: '_bucket' | '_sum' | '_count';
  labels?: Record<string, string>;
  value: number;
}

export interface Family {
  /** [a-zA-Z_:][a-zA-Z0-9_:]*; a counter's ends in _total */
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  samples: Sample[];
}

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function exposition(families: Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`not a metric name: ${family.name}`);
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(`${family.name}${sample.suffix ?? ''}${labelSet(sample.labels)} ${number(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function labelSet(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {});
  if (pairs.length === 0) return '';
  return `{${pairs
    .map(([key, value]) => {
      if (!LABEL.test(key) || key.startsWith('__')) throw new Error(`not a label name: ${key}`);
      return `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
    })
    .join(',')}}`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
