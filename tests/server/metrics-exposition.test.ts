// Prometheus's text format as the metrics listener writes it: HELP and TYPE per family, samples
// with escaped labels, histograms as _bucket/_sum/_count, and names the format would reject refused.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { exposition } from '../../src/server/metrics/exposition.ts';
import { Histogram } from '../../src/server/metrics/histogram.ts';

test('families: HELP and TYPE lines, then a line per sample; label values and help escaped', () => {
  const text = exposition([
    { name: 'x_total', help: 'a \\ back\nslash', type: 'counter', samples: [{ value: 3 }] },
    { name: 'y', help: 'by state', type: 'gauge', samples: [{ labels: { state: 'a"b\\c\nd' }, value: 1.5 }, { labels: { state: 'e' }, value: Infinity }] },
  ]);
  assert.is(text, ['# HELP x_total a \\\\ back\\nslash', '# TYPE x_total counter', 'x_total 3', '# HELP y by state', '# TYPE y gauge', 'y{state="a\\"b\\\\c\\nd"} 1.5', 'y{state="e"} +Inf', ''].join('\n'));
});

test('a histogram: cumulative buckets, +Inf, sum and count', () => {
  const histogram = new Histogram([0.1, 1]);
  for (const value of [0.05, 0.1, 0.5, 7]) histogram.observe(value);
  const lines = exposition([histogram.family('h_seconds', 'h')]).split('\n');
  assert.equal(lines.slice(2, -1), ['h_seconds_bucket{le="0.1"} 2', 'h_seconds_bucket{le="1"} 3', 'h_seconds_bucket{le="+Inf"} 4', 'h_seconds_sum 7.65', 'h_seconds_count 4']);
});

test('a metric or label name the format cannot carry is refused, not written', () => {
  assert.throws(() => exposition([{ name: 'no-dash', help: '', type: 'gauge', samples: [] }]), /not a metric name/);
  assert.throws(() => exposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { __reserved: 'x' }, value: 1 }] }]), /not a label name/);
  assert.throws(() => exposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'a b': 'x' }, value: 1 }] }]), /not a label name/);
});

test.run();
