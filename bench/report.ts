import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LoadResult } from './load';

export type QueryKey = 'a' | 'b';

export const QUERY_TITLES: Record<QueryKey, string> = {
  a: '(a) customers(first: 50), nested',
  b: '(b) customer(id) page',
};

/** Targets from issue 8, as ratios to the floor measured in the same run. */
export const TARGETS = { ratio: { a: 0.6, b: 0.35 } as Record<QueryKey, number>, p99OverP50: 4, rssMb: 300 };

export interface Round {
  fattail: LoadResult;
  floor: LoadResult;
  /** 1-minute load average right after the pair of runs. */
  loadAverage: number;
}

export interface QueryFigures {
  query: QueryKey;
  fattail: LoadResult;
  floor: LoadResult;
  /** Every round, in order, for the JSON; the figures above are the median round's. */
  rounds: Round[];
  statementsPerRequest: number | null;
}

export interface Verdict {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

/** The round with the median request rate (its latencies belong to that same round). */
export function medianRound(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((x, y) => x.requestsPerSecond - y.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const ratio = (f: QueryFigures) => f.fattail.requestsPerSecond / f.floor.requestsPerSecond;
// autocannon reports whole milliseconds: a sub-millisecond p50 counts as 1 ms rather than dividing by zero.
// No answered request at all has no tail to speak of: NaN, which fails every comparison.
const tail = (r: LoadResult) => (r.requests > 0 ? r.latencyMs.p99 / Math.max(1, r.latencyMs.p50) : NaN);
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 1 ? '<1' : fmt(n));
const cpu = (r: LoadResult) => {
  const c = r.cpuPerRequest;
  if (!c || c.nodeMs === null) return 'n/a';
  return `${fmt(c.nodeMs, 1)} + ${c.dbMs === null ? '?' : fmt(c.dbMs, 1)}`;
};

export function verdicts(figures: QueryFigures[], fattailPeakRssMb: number | null): Verdict[] {
  const out: Verdict[] = [];
  for (const f of figures) {
    out.push({ name: `${f.query}: Fattail/floor req/s`, value: `${fmt(ratio(f), 2)}x`, target: `>= ${TARGETS.ratio[f.query]}x`, pass: ratio(f) >= TARGETS.ratio[f.query] });
    out.push({ name: `${f.query}: Fattail p99/p50`, value: `${fmt(tail(f.fattail), 1)}x`, target: `<= ${TARGETS.p99OverP50}x`, pass: tail(f.fattail) <= TARGETS.p99OverP50 });
  }
  out.push({
    name: 'Fattail peak RSS',
    value: fattailPeakRssMb === null ? 'n/a' : `${fmt(fattailPeakRssMb)} MB`,
    target: `< ${TARGETS.rssMb} MB`,
    pass: fattailPeakRssMb !== null && fattailPeakRssMb < TARGETS.rssMb,
  });
  return out;
}

/** Text columns left, figures right (leftColumns: how many leading columns are text). */
function table(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = (i: number) => i < leftColumns;
  const line = (cells: string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (left(i) ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Markdown, so the same text goes to the terminal and into docs/benchmarks.md. */
export function loadTable(figures: QueryFigures[], fattailPeakRssMb: number | null, floorPeakRssMb: number | null, analystJobsPeakRssMb: number | null = null): string {
  const rows = figures.map((f) => {
    const errors = f.fattail.non2xx + f.fattail.errors + f.fattail.graphqlErrors + f.floor.non2xx + f.floor.errors + f.floor.graphqlErrors;
    const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    return [
      QUERY_TITLES[f.query],
      fmt(f.fattail.requestsPerSecond),
      fmt(f.floor.requestsPerSecond),
      `${fmt(ratio(f), 2)}x ${pass(ratio(f) >= TARGETS.ratio[f.query])} (>= ${TARGETS.ratio[f.query]})`,
      `${ms(f.fattail.latencyMs.p50)} / ${ms(f.fattail.latencyMs.p99)}`,
      `${ms(f.floor.latencyMs.p50)} / ${ms(f.floor.latencyMs.p99)}`,
      `${fmt(tail(f.fattail), 1)}x ${pass(tail(f.fattail) <= TARGETS.p99OverP50)}`,
      `${fmt(tail(f.floor), 1)}x`,
      cpu(f.fattail),
      cpu(f.floor),
      f.statementsPerRequest === null ? 'n/a' : String(f.statementsPerRequest),
      String(errors),
    ];
  });
  const rss = [
    `Peak RSS: Fattail ${fattailPeakRssMb === null ? 'n/a' : `${fmt(fattailPeakRssMb)} MB`}`,
    fattailPeakRssMb === null ? '' : `${fattailPeakRssMb < TARGETS.rssMb ? 'PASS' : 'FAIL'} (< ${TARGETS.rssMb} MB)`,
    `| floor ${floorPeakRssMb === null ? 'n/a' : `${fmt(floorPeakRssMb)} MB`}`,
    analystJobsPeakRssMb === null ? '' : `| analyst jobs (segment refresh, lifetime-value fit) on a server of their own ${fmt(analystJobsPeakRssMb)} MB`,
  ]
    .filter(Boolean)
    .join(' ');
  const costs = figures
    .map((f) => {
      const total = (r: LoadResult) => (r.cpuPerRequest?.nodeMs ?? NaN) + (r.cpuPerRequest?.dbMs ?? NaN);
      const ratio = total(f.floor) / total(f.fattail);
      return Number.isFinite(ratio) ? `(${f.query}) ${fmt(ratio, 2)}x` : null;
    })
    .filter(Boolean);
  const costLine = costs.length
    ? `\nCPU per request, floor / Fattail (Node + PostgreSQL, from /proc; steadier than req/s on a busy machine): ${costs.join(', ')}`
    : '';
  return `${table(
    [
      'query',
      'Fattail req/s',
      'floor req/s',
      'ratio (target)',
      'Fattail p50 / p99 ms',
      'floor p50 / p99 ms',
      'Fattail p99/p50 (<= 4)',
      'floor p99/p50',
      'Fattail CPU ms/req node + db',
      'floor CPU ms/req node + db',
      'SQL stmts/req',
      'errors',
    ],
    rows,
  )}\n\n${rss}${costLine}`;
}

export interface OtherBenchLine {
  name: string;
  status: 'ran' | 'skipped' | 'failed';
  summary: string;
}

export function otherBenchTable(lines: OtherBenchLine[]): string {
  return table(
    ['bench', 'status', 'figures'],
    lines.map((l) => [l.name, l.status, l.summary]),
    3,
  );
}

export function writeResults(dir: string, result: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
