/** The collector's own Prometheus metrics, served at /metrics. */
import { MetricsRegistry, type Counter, type Histogram } from './prometheus.js';

export class CollectorMetrics {
  readonly registry = new MetricsRegistry();
  readonly eventsAccepted: Counter;
  readonly spansAccepted: Counter;
  readonly eventsRejected: Counter;
  readonly requestsRejected: Counter;
  readonly commits: Counter;
  readonly commitFailures: Counter;
  readonly commitLatency: Histogram;
  readonly commitBatchEvents: Histogram;
  readonly commitBatchRequests: Histogram;
  private storeSizeBytes = 0;
  private queueDepthEvents: () => number = () => 0;
  private queueDepthBytes: () => number = () => 0;

  constructor() {
    const r = this.registry;
    this.eventsAccepted = r.counter('wisp_ingest_events_accepted_total', 'Events accepted and committed, by protocol.');
    this.spansAccepted = r.counter('wisp_ingest_spans_accepted_total', 'Span events accepted and committed, by protocol.');
    this.eventsRejected = r.counter('wisp_ingest_events_rejected_total', 'Events rejected one by one (207 / partial success), by code.');
    this.requestsRejected = r.counter('wisp_ingest_requests_rejected_total', 'Ingest requests answered with an error, by code.');
    this.commits = r.counter('wisp_store_commits_total', 'Store transactions committed by the write queue.');
    this.commitFailures = r.counter('wisp_store_commit_failures_total', 'Store transactions that failed.');
    this.commitLatency = r.histogram('wisp_store_commit_seconds', 'Time from handing a group commit to the store until it is durable (with two commits in flight, includes waiting behind the other).', [
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ]);
    this.commitBatchEvents = r.histogram('wisp_store_commit_events', 'Events written per group commit.', [
      1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000, 50000,
    ]);
    this.commitBatchRequests = r.histogram('wisp_store_commit_requests', 'Requests written per group commit.', [1, 2, 4, 8, 16, 32, 64, 128]);
    r.gauge('wisp_write_queue_events', 'Events waiting in the write queue.', () => this.queueDepthEvents());
    r.gauge('wisp_write_queue_bytes', 'Bytes waiting in the write queue.', () => this.queueDepthBytes());
    r.gauge('wisp_store_size_bytes', 'Size of the store on disk.', () => this.storeSizeBytes);
  }

  watchQueue(events: () => number, bytes: () => number): void {
    this.queueDepthEvents = events;
    this.queueDepthBytes = bytes;
  }

  setStoreSize(bytes: number): void {
    this.storeSizeBytes = bytes;
  }
}
