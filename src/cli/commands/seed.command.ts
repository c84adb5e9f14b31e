import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_SEED, MAX_SEED_CUSTOMERS, SEED_TABLES, seedDemoBank, SeedSummary } from '../../../seeds/demo-bank.seed';
import { loadConfig } from '../../config/config';
import { migrate, openDatabase } from '../../database/database';

interface SeedCommandOptions {
  customers?: number;
  seed: number;
  replace?: boolean;
  now?: Date;
}

function integerIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}`);
    }
    return n;
  };
}

function parseInstant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO date or timestamp, e.g. 2026-01-31T00:00:00Z');
  return date;
}

export function formatSeedSummary(s: SeedSummary): string {
  const lines = [`seeded ${s.customers} customers (seed ${s.seed}, history up to ${s.now}, ${s.method}) in ${(s.elapsedMs / 1000).toFixed(1)} s`];
  for (const table of SEED_TABLES) lines.push(`  ${table.padEnd(18)}${String(s.counts[table]).padStart(10)}`);
  return lines.join('\n') + '\n';
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('fill DATABASE_URL (or the embedded database) with a deterministic long-tail demo bank')
    .option('--customers <n>', 'number of customers (default: FATTAIL_SEED_CUSTOMERS)', integerIn('--customers', 1, MAX_SEED_CUSTOMERS))
    .option('--seed <s>', 'PRNG seed: the same seed, customers and --now give the same bank', integerIn('--seed', 0, 0xffffffff), DEFAULT_SEED)
    .option('--replace', 'empty the customer tables first (reference data, API keys and the audit log stay) instead of refusing')
    .option('--now <instant>', 'where the generated history ends (default: start of today, UTC)', parseInstant)
    .action(async (opts: SeedCommandOptions) => {
      const config = loadConfig();
      const customers = opts.customers ?? config.seedCustomers;
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, applicationName: 'fattail-seed' });
      // A bar only for people watching; logs and pipes get the summary alone.
      const bar = process.stdout.isTTY
        ? new SingleBar({ format: 'seeding [{bar}] {percentage}% | {value}/{total} customers | {duration_formatted}', hideCursor: true }, Presets.shades_classic)
        : undefined;
      try {
        await migrate(db.dataSource);
        bar?.start(customers, 0);
        const summary = await seedDemoBank(db.dataSource, {
          customers,
          seed: opts.seed,
          now: opts.now,
          replace: opts.replace,
          onProgress: (done) => bar?.update(done),
        });
        bar?.stop();
        process.stdout.write(formatSeedSummary(summary));
      } finally {
        bar?.stop();
        await db.close();
      }
    });
}
