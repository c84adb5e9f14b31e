// The other issues' benches (ingest, segments, lifetime value), run after the HTTP rounds so they do not
// disturb them. Each is loaded with a guarded require: a bench file that is missing or does not export its
// run function yet is skipped with the reason, never a crash of the whole harness.
import path from 'node:path';
import { OtherBenchLine } from './report';

export interface OtherBenchContext {
  databaseUrl: string;
  adminUrl: string;
  customers: number;
  quick: boolean;
}

interface OtherBench {
  name: string;
  file: string;
  exportName: string;
  args: (ctx: OtherBenchContext) => unknown[];
  /** One line of figures for the table; the whole result goes into the JSON. */
  summarise: (result: any) => string;
}

const num = (n: unknown, digits = 0) =>
  typeof n === 'number' ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(n);

/** Numeric fields of a result, for benches whose shape this file does not know yet. */
function genericSummary(result: unknown): string {
  if (!result || typeof result !== 'object') return String(result);
  return Object.entries(result as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${num(v, Number.isInteger(v) ? 0 : 3)}`)
    .join(', ');
}

const OTHER_BENCHES: OtherBench[] = [
  {
    name: 'ingest vs COPY',
    file: 'ingest.bench',
    exportName: 'runIngestBench',
    args: (ctx) => [ctx.adminUrl, ctx.quick ? 50_000 : 1_000_000, ctx.quick ? 1 : 3],
    summarise: (r) =>
      `${num(r.rows)} rows (median of ${num(r.rounds)} rounds), raw COPY ${num(r.copyRowsPerSecond)} rows/s; ` +
      `ingest --bulk ${num(r.bulkRowsPerSecond)} rows/s, ratio ${num(r.bulkRatio, 2)} (targets >= 100,000 rows/s ${r.bulkRowsPerSecond >= 100_000 ? 'PASS' : 'FAIL'}, ` +
      `>= 0.33 ${r.bulkRatio >= 1 / 3 ? 'PASS' : 'FAIL'}), re-run ${num(r.bulkRerunSeconds, 1)} s; ` +
      `ingest (batches committed as they go) ${num(r.ingestRowsPerSecond)} rows/s, ratio ${num(r.ratio, 2)}; ` +
      `COPY into an indexed bank_transaction ${num(r.indexedCopyRowsPerSecond)} rows/s; ` +
      `COPY then build the keys (the schema's floor) ${num(r.rebuildCopyRowsPerSecond)} rows/s, ratio ${num(r.bulkRatioToRebuildCopy, 2)}`,
  },
  {
    name: 'segments: filter and refresh',
    file: 'segments.bench',
    exportName: 'runSegmentsBench',
    // It rewrites segment memberships from none, which is why it runs after the load.
    args: (ctx) => [{ databaseUrl: ctx.databaseUrl, quick: ctx.quick }],
    summarise: (r) =>
      r.filter && r.refresh
        ? `service / hand-written SQL (target <= 1.5): filter count ${num(r.filterCountRatio, 2)}x, first page ${num(r.filterPageRatio, 2)}x, ` +
          `refresh ${num(r.refreshRatio, 2)}x (${num(r.refresh.serviceMs / 1000, 1)} s for ${num(r.refresh.segments)} segments), ` +
          `steady refresh ${num(r.steadyRefreshRatio, 2)}x, compute ${num(r.computeRatio, 2)}x` +
          (r.mismatches?.length ? `; MISMATCHES: ${r.mismatches.join(', ')}` : '')
        : genericSummary(r),
  },
  {
    name: 'lifetime value: model fit',
    file: 'clv-fit.bench',
    exportName: 'runClvFitBench',
    args: (ctx) => [ctx.quick ? 10_000 : 100_000],
    summarise: (r) => `${num(r.customers)} customers (${num(r.uniqueTriples)} unique RFM triples): fit ${num(r.fitMs / 1000, 2)} s`,
  },
  {
    name: 'lifetime value: service',
    file: 'clv-service.bench',
    exportName: 'runClvServiceBench',
    // It fits on the bench database and replaces the stored scores, which is why it runs after the load.
    args: (ctx) => [{ databaseUrl: ctx.databaseUrl }],
    summarise: (r) =>
      `${num(r.customers)} customers (${num(r.uniqueTriples)} triples): extract ${num(r.extractMs)} ms, fit ${num(r.fitMs)} ms, score ${num(r.scoreMs)} ms, ` +
      `write ${num(r.writeMs)} ms, total ${num(r.totalMs / 1000, 1)} s` +
      (typeof r.holdoutErrorPct === 'number' ? `; holdout error ${num(r.holdoutErrorPct, 1)}%` : ''),
  },
];

function load(file: string, exportName: string): { fn: ((...args: unknown[]) => Promise<unknown>) | null; reason: string } {
  let mod: Record<string, unknown>;
  try {
    // A variable path on purpose: these files may not exist yet, and the compiler must not insist they do.
    mod = require(path.join(__dirname, file));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(file)) return { fn: null, reason: `bench/${file}.ts does not exist yet` };
    return { fn: null, reason: `bench/${file}.ts failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
  const fn = mod[exportName];
  return typeof fn === 'function' ? { fn: fn as (...args: unknown[]) => Promise<unknown>, reason: '' } : { fn: null, reason: `bench/${file}.ts does not export ${exportName}() yet` };
}

export async function runOtherBenches(ctx: OtherBenchContext, log: (line: string) => void): Promise<{ lines: OtherBenchLine[]; results: Record<string, unknown> }> {
  const lines: OtherBenchLine[] = [];
  const results: Record<string, unknown> = {};
  for (const bench of OTHER_BENCHES) {
    const { fn, reason } = load(bench.file, bench.exportName);
    if (!fn) {
      log(`skipping ${bench.name}: ${reason}`);
      lines.push({ name: bench.name, status: 'skipped', summary: reason });
      continue;
    }
    log(`running ${bench.name} (${bench.exportName}) ...`);
    const started = Date.now();
    try {
      const result = await fn(...bench.args(ctx));
      results[bench.file] = result;
      lines.push({ name: bench.name, status: 'ran', summary: `${bench.summarise(result)} [${num((Date.now() - started) / 1000, 0)} s]` });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      log(`${bench.name} failed: ${message}`);
      results[bench.file] = { error: message };
      lines.push({ name: bench.name, status: 'failed', summary: message });
    }
  }
  return { lines, results };
}
