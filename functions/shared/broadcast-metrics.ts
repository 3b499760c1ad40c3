import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FanOutSummary } from './fan-out.js';

/** The metric names a broadcast emits; template.yaml's alarm reads `Failed`, `TimedOut` and `Stopped`. */
export const BROADCAST_METRICS = {
  recipients: 'Recipients',
  delivered: 'Delivered',
  failed: 'Failed',
  staleRemoved: 'StaleRemoved',
  timedOut: 'TimedOut',
  stopped: 'Stopped',
  fanOutMs: 'FanOutMs',
} as const;

// Namespace from POWERTOOLS_METRICS_NAMESPACE, the `service` dimension from POWERTOOLS_SERVICE_NAME.
const metrics = new Metrics();

/**
 * Emits one broadcast's counts as one CloudWatch EMF line on stdout (no API call: CloudWatch
 * Logs extracts the metrics). `stopped` is 1 when the recipients could not be read to the end.
 */
export function publishBroadcastMetrics(summary: FanOutSummary, stopped = false): void {
  metrics.addMetric(BROADCAST_METRICS.recipients, MetricUnit.Count, summary.recipients);
  metrics.addMetric(BROADCAST_METRICS.delivered, MetricUnit.Count, summary.delivered);
  metrics.addMetric(BROADCAST_METRICS.failed, MetricUnit.Count, summary.failed);
  metrics.addMetric(BROADCAST_METRICS.staleRemoved, MetricUnit.Count, summary.staleRemoved);
  metrics.addMetric(BROADCAST_METRICS.timedOut, MetricUnit.Count, summary.timedOut ? 1 : 0);
  metrics.addMetric(BROADCAST_METRICS.stopped, MetricUnit.Count, stopped ? 1 : 0);
  metrics.addMetric(BROADCAST_METRICS.fanOutMs, MetricUnit.Milliseconds, summary.ms);
  metrics.publishStoredMetrics();
}
