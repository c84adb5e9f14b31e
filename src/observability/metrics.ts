import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { setBatchObserver } from '../common/instrumentation';

/** What the compiled read path (graphql/plugins/compiled-reads.plugin.ts) did with the queries it saw. */
export interface CompiledReadCounts {
  compiled: number;
  declined: number;
  /** Statements that failed and were answered by the resolver path instead. */
  failed: number;
}

const COMPILED_READ_OUTCOMES = ['compiled', 'declined', 'failed'] as const;

/** Prometheus metrics of one app instance (its own registry, so tests can build many apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'operation' | 'outcome'>;
  readonly duration: Histogram<'operation'>;
  readonly errors: Counter<'code'>;
  readonly batchSize: Histogram<'loader'>;
  private readonly operations = new Set<string>();

  constructor(pool: () => { total: number; idle: number; waiting: number } | null, sqlStatements: () => number, compiledReads: () => CompiledReadCounts) {
    collectDefaultMetrics({ register: this.registry, prefix: 'fattail_' });
    this.requests = new Counter({
      name: 'fattail_graphql_requests_total',
      help: 'GraphQL requests by operation name and outcome (success, partial, error).',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'fattail_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation name.',
      labelNames: ['operation'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.errors = new Counter({ name: 'fattail_graphql_errors_total', help: 'GraphQL errors by code.', labelNames: ['code'], registers: [this.registry] });
    this.batchSize = new Histogram({
      name: 'fattail_dataloader_batch_size',
      help: 'Keys per DataLoader batch, by loader.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [this.registry],
    });
    new Gauge({
      name: 'fattail_db_pool_connections',
      help: 'Database pool connections by state.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'total' }, p.total);
        this.set({ state: 'idle' }, p.idle);
        this.set({ state: 'waiting' }, p.waiting);
      },
    });
    new Gauge({
      name: 'fattail_sql_statements',
      help: 'SQL statements sent since start.',
      registers: [this.registry],
      collect() {
        this.set(sqlStatements());
      },
    });
    // The plugin keeps plain counts (tests read them); a scrape copies them, so the hot path pays nothing.
    new Counter({
      name: 'fattail_compiled_reads_total',
      help: 'Queries the compiled read path answered with one statement (compiled), left to the resolvers (declined), or handed to them after its statement failed (failed).',
      labelNames: ['outcome'],
      registers: [this.registry],
      collect() {
        const counts = compiledReads();
        this.reset();
        for (const outcome of COMPILED_READ_OUTCOMES) this.inc({ outcome }, counts[outcome]);
      },
    });
    setBatchObserver((loader, size) => this.batchSize.observe({ loader }, size));
  }

  /** Client-chosen names are bounded: the first 200 distinct ones are kept, the rest count as "other". */
  operationLabel(name: string | null | undefined): string {
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return name ? 'other' : 'anonymous';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= 200) return 'other';
    this.operations.add(name);
    return name;
  }
}
