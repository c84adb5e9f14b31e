// Times the lifetime-value service on an already-seeded database: extraction of every customer's
// calibration summary in SQL, the BG/NBD + Gamma-Gamma fit, scoring and the set-wise score write.
// It writes a model and replaces the stored scores, as `fattail clv fit` does. Standalone:
//   npm run build && node dist/bench/clv-service.bench.js [DATABASE_URL] [--seed-customers N]
// Without a URL (and without DATABASE_URL) it seeds an in-memory embedded database (default 20 000 customers).
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { seedDemoBank } from '../seeds/demo-bank.seed';
import { migrate, openDatabase } from '../src/database/database';
import { createLifetimeValueRepositories, createLifetimeValueService } from '../src/modules/lifetime-value/lifetime-value.context';
import { Activity, Unit } from '../src/modules/lifetime-value/lifetime-value.repository';

export interface ClvServiceBenchOptions {
  activity?: Activity;
  partner?: string;
  unit?: Unit;
  /** YYYY-MM-DD; default 180 days before today (UTC), with the days since as holdout. */
  calibrationEnd?: string;
  holdoutEnd?: string | null;
}

export interface ClvServiceBenchResult {
  customers: number;
  repeatCustomers: number;
  uniqueTriples: number;
  extractMs: number;
  fitMs: number;
  scoreMs: number;
  writeMs: number;
  /** Wall time of the whole service call (validation and reading the model back included). */
  totalMs: number;
  holdoutErrorPct: number | null;
  version: number;
  activity: Activity;
  unit: Unit;
  calibrationEnd: string;
  holdoutEnd: string | null;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number };
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `target` is a PostgreSQL URL, or the bench harness's context ({ databaseUrl, ... }). */
export async function runClvServiceBench(
  target: string | { databaseUrl: string },
  options: ClvServiceBenchOptions = {},
): Promise<ClvServiceBenchResult> {
  const databaseUrl = typeof target === 'string' ? target : target.databaseUrl;
  const db = await openDatabase({ databaseUrl, poolSize: 2, applicationName: 'fattail-bench-clv' });
  try {
    return await benchOn(db.dataSource, options);
  } finally {
    await db.close();
  }
}

async function benchOn(dataSource: Parameters<typeof createLifetimeValueRepositories>[0], options: ClvServiceBenchOptions): Promise<ClvServiceBenchResult> {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const calibrationEnd = options.calibrationEnd ?? isoDay(today - 180 * DAY_MS);
  const holdoutEnd = options.holdoutEnd === undefined ? (options.calibrationEnd ? null : isoDay(today - DAY_MS)) : options.holdoutEnd;
  const activity = options.activity ?? 'TRANSACTIONS';
  const unit = options.unit ?? 'WEEK';
  const service = createLifetimeValueService(createLifetimeValueRepositories(dataSource));
  const started = performance.now();
  const r = await service.fit({ activity, partner: options.partner, calibrationEnd, unit, holdoutEnd });
  const totalMs = performance.now() - started;
  return {
    customers: r.customers,
    repeatCustomers: r.repeatCustomers,
    uniqueTriples: r.uniqueTriples,
    ...r.timings,
    totalMs,
    holdoutErrorPct: r.holdout?.errorPct ?? null,
    version: r.version,
    activity,
    unit,
    calibrationEnd,
    holdoutEnd,
    bgnbd: r.bgnbd,
    gammaGamma: r.gammaGamma,
  };
}

async function main(argv: string[]): Promise<ClvServiceBenchResult> {
  const seedAt = argv.indexOf('--seed-customers');
  const seedCustomers = seedAt >= 0 ? Number(argv[seedAt + 1]) : undefined;
  const url = argv.find((a, i) => !a.startsWith('--') && (seedAt < 0 || i !== seedAt + 1)) ?? process.env.DATABASE_URL;
  const db = await openDatabase({ databaseUrl: url, poolSize: 2, applicationName: 'fattail-bench-clv' });
  try {
    await migrate(db.dataSource);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM customer`);
    if (seedCustomers !== undefined || n === 0) {
      const customers = seedCustomers ?? 20_000;
      process.stderr.write(`seeding ${customers} customers ...\n`);
      await seedDemoBank(db.dataSource, { customers, replace: n > 0 });
    }
    return await benchOn(db.dataSource, {});
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
}
