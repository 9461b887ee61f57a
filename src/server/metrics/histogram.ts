// A cumulative histogram, as Prometheus reads one: a count per upper bound (each bucket counts
// every observation at or under it), their sum and their count, never reset, so any number of
// scrapers can read it and histogram_quantile() gives the percentiles over any window.
import type { Family, Sample } from './exposition.ts';

export class Histogram {
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  /** `bounds`: the buckets' upper bounds, ascending; +Inf is added */
  constructor(readonly bounds: readonly number[]) {
    this.#counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) this.#counts[i]++;
    this.#sum += value;
    this.#count++;
  }

  family(name: string, help: string): Family {
    const samples: Sample[] = this.bounds.map((bound, i) => ({ suffix: '_bucket', labels: { le: String(bound) }, value: this.#counts[i] }));
    samples.push({ suffix: '_bucket', labels: { le: '+Inf' }, value: this.#count }, { suffix: '_sum', value: this.#sum }, { suffix: '_count', value: this.#count });
    return { name, help, type: 'histogram', samples };
  }
}
