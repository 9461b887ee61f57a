// --metrics-address: where the Prometheus metrics listen, apart from the app (src/server/metrics/).
import type { MetricsAddress } from '../../server/metrics/metrics-listener.ts';
import { UsageError, wholeNumber } from '../usage.ts';

const ADDRESS = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d+)$/;

export function metricsAddress(text: string): MetricsAddress {
  const match = ADDRESS.exec(text);
  if (!match) throw new UsageError(`--metrics-address takes ADDR:PORT (127.0.0.1:9464; 0.0.0.0:9464 in a pod, for its scraper; [::1]:9464), not "${text.slice(0, 60)}"`);
  return { host: match[1] ?? match[2], port: wholeNumber("--metrics-address's port", match[3], 0, 65_535) };
}
