import v8 from 'node:v8';
import { Logger } from './logger';

/**
 * How far V8 lets the old generation grow past what survived the last full GC before it collects again, in
 * percent. Left alone, V8 picks up to 300% on a machine with more than 2 GB of heap limit; under load the
 * server's old generation then fills with dead request garbage to about four times its live ~40 MB before a
 * full GC. 100% (collect once it has doubled) took the peak RSS under the bench's load from about 270 to 205 MB
 * for about 10% more Node CPU on the list page (docs/benchmarks.md), and a 1 000 000-row bulk ingest from
 * 460 to 214 MB (docs/ingestion.md). A `--heap-growing-percent` given on
 * node's command line wins.
 */
export const HEAP_GROWING_PERCENT = 100;

export function limitHeapGrowth(logger?: Logger): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return;
  // Read by V8 each time it sets the next full-GC threshold, so setting it at start-up takes effect.
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  logger?.debug({ heapGrowingPercent: HEAP_GROWING_PERCENT }, 'V8 heap growth limited');
}
