// Database preparation for the bench: a scratch database (or DATABASE_URL), migrated and seeded with
// the demo bank, API keys for the load, and the customer ids the customer-page request cycles through.
import 'reflect-metadata';
import { Client } from 'pg';
import { toGlobalId } from '../src/common/global-id';
import { migrate, openDatabase } from '../src/database/database';
import { AccessRepository } from '../src/modules/access/access.repository';
import { ApiKeyService } from '../src/modules/access/api-key.service';
import { Role } from '../src/modules/access/principal';
import { seedDemoBank, SeedSummary } from '../seeds/demo-bank.seed';
import { acquireBenchLock } from './lock';

export const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const SCRATCH_DATABASE = 'fattail_bench';

export interface DatabaseChoice {
  url: string;
  /** A URL on the same server with CREATE DATABASE rights (the ingest bench makes its own database). */
  adminUrl: string;
  /** True when the bench owns the database (the scratch one) and may drop it. */
  scratch: boolean;
}

export interface PreparedDatabase {
  seeded: SeedSummary | null;
  reused: boolean;
  seedSeconds: number | null;
  vacuumSeconds: number;
  customers: number;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'fattail-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function chooseDatabase(env: NodeJS.ProcessEnv): DatabaseChoice {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, adminUrl: withDatabase(env.DATABASE_URL, 'postgres'), scratch: false };
  return { url: withDatabase(LOCAL_ADMIN_URL, SCRATCH_DATABASE), adminUrl: LOCAL_ADMIN_URL, scratch: true };
}

async function customerCount(url: string): Promise<number | null> {
  try {
    return await withClient(url, async (c) => {
      const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer`);
      return rows[0].n;
    });
  } catch {
    return null; // no such database, or not migrated yet
  }
}

/**
 * Scratch database: reused with --reuse when it already holds N customers, else dropped and created anew.
 * DATABASE_URL: seeded when empty, reused with --reuse at N customers, replaced only with --replace
 * (a database someone pointed us at is never truncated silently).
 */
export async function prepareDatabase(
  choice: DatabaseChoice,
  options: { customers: number; reuse: boolean; replace: boolean; log: (line: string) => void },
): Promise<PreparedDatabase> {
  const { customers, log } = options;
  // Held until the process ends (or run.ts releases it): nobody else drops or reseeds this database meanwhile.
  await acquireBenchLock(choice.adminUrl, log);
  const existing = await customerCount(choice.url);
  const reuse = options.reuse && existing === customers;
  if (options.reuse && !reuse) log(`--reuse: the database has ${existing ?? 'no'} customers, not ${customers}; seeding afresh`);
  if (choice.scratch && !reuse) {
    const name = new URL(choice.url).pathname.slice(1);
    await withClient(choice.adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
    });
    log(`created scratch database ${name}`);
  }

  const db = await openDatabase({ databaseUrl: choice.url, poolSize: 2, applicationName: 'fattail-bench' });
  try {
    const applied = await migrate(db.dataSource);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    let seeded: SeedSummary | null = null;
    let seedSeconds: number | null = null;
    if (!reuse) {
      const present = (await customerCount(choice.url)) ?? 0;
      if (present > 0 && !choice.scratch && !options.replace) {
        throw new Error(`DATABASE_URL already holds ${present} customers: pass --reuse (with --customers ${present}) or --replace to truncate it`);
      }
      log(`seeding ${customers.toLocaleString('en')} customers ...`);
      const started = process.hrtime.bigint();
      seeded = await seedDemoBank(db.dataSource, { customers, replace: present > 0 });
      seedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    }
    // After a bulk load: fresh statistics for the planner and a visibility map for index-only scans,
    // so neither server pays for autovacuum catching up during the measurements.
    const vacuumStart = process.hrtime.bigint();
    await withClient(choice.url, (c) => c.query('VACUUM ANALYZE'));
    const vacuumSeconds = Number(process.hrtime.bigint() - vacuumStart) / 1e9;
    return { seeded, reused: reuse, seedSeconds, vacuumSeconds, customers };
  } finally {
    await db.close();
  }
}

/** Fresh planner statistics, e.g. after the API filled segment and lifetime-value tables past the last ANALYZE. */
export async function analyze(url: string): Promise<void> {
  await withClient(url, (c) => c.query('ANALYZE'));
}

/** Same ids, same order, every run (setseed): both servers see exactly the same sequence of customers. */
export async function sampleCustomerIds(url: string, count: number): Promise<string[]> {
  return withClient(url, async (c) => {
    await c.query('SELECT setseed(0.1234)');
    const { rows } = await c.query<{ id: string }>(`SELECT id::text FROM customer ORDER BY random() LIMIT $1`, [count]);
    return rows.map((r) => toGlobalId('Customer', r.id));
  });
}

/** Creates an API key the way `fattail keys create` does; the plaintext is shown once and never stored. */
export async function createApiKey(url: string, pepper: string, name: string, role: Role): Promise<string> {
  const db = await openDatabase({ databaseUrl: url, poolSize: 1, applicationName: 'fattail-bench' });
  try {
    const service = new ApiKeyService(db.dataSource, new AccessRepository(db.dataSource), pepper);
    return (await service.create({ name, role })).plaintext;
  } finally {
    await db.close();
  }
}
