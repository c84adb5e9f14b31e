import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database, INGEST_SESSION_SETTINGS, migrate, openDatabase } from '../src/database/database';
import { IngestSummary } from '../src/ingestion/pipeline';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { MemoryRejectSink } from '../src/ingestion/rejects';

/** One round of the bulk load and the COPY floors, all on the same database one after the other. */
export interface IngestBenchRound {
  bulkSeconds: number;
  bulkRerunSeconds: number;
  copySeconds: number;
  indexedCopySeconds: number;
  rebuildCopySeconds: number;
}

/**
 * Figures are medians over the rounds (this machine's speed varies by 10-25% from minute to minute); ratios are
 * taken within each round, then the median.
 */
export interface IngestBenchResult {
  rows: number;
  fileBytes: number;
  rounds: number;
  /** `fattail ingest` (atomic batches): every batch committed as it goes. Once, before the rounds. */
  ingestSeconds: number;
  ingestRowsPerSecond: number;
  /** `fattail ingest --bulk`: one transaction, the file's transactions written set-based, indexes rebuilt. */
  bulkSeconds: number;
  bulkRowsPerSecond: number;
  /** bulk rows/s divided by raw COPY rows/s. */
  bulkRatio: number;
  /** The same file loaded again in bulk: every row unchanged. */
  bulkRerunSeconds: number;
  bulkRerunUnchanged: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  /** ingest rows/s divided by raw COPY rows/s; the target is at least 1/3. */
  ratio: number;
  /** COPY of the same rows into a table shaped like bank_transaction (its keys, indexes and foreign key). */
  indexedCopySeconds: number;
  indexedCopyRowsPerSecond: number;
  ratioToIndexedCopy: number;
  bulkRatioToIndexedCopy: number;
  /**
   * COPY of the same rows into the bank_transaction shape without its keys and indexes, then building them
   * (the hand-written bulk-load recipe a DBA would use): the floor for loading these rows into this schema.
   */
  rebuildCopySeconds: number;
  rebuildCopyRowsPerSecond: number;
  bulkRatioToRebuildCopy: number;
  perRound: IngestBenchRound[];
  summary: { inserted: number; rejected: number };
  bulkSummary: { inserted: number; rejected: number };
}

const ACCOUNTS = 10_000;
const CHANNELS = ['BRANCH', 'ATM', 'POS', 'ONLINE', 'MOBILE'];
const KINDS = ['CASH', 'CASH', 'MERCHANT', 'OTHER_BANK', 'THIRD_PARTY_PLATFORM'];

function row(i: number) {
  const cents = (i * 7919) % 1_000_000;
  return {
    key: `BT${i}`,
    accountKey: `BA${i % ACCOUNTS}`,
    bookedAt: new Date(Date.UTC(2023, 0, 1) + i * 15_000).toISOString(),
    amount: `${i % 3 === 0 ? '-' : ''}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    channel: CHANNELS[i % 5],
    counterpartyKind: KINDS[i % 5],
    description: i % 4 === 0 ? `merchant ${i % 997}` : null,
  };
}

async function writeLines(file: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += line(i);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function withDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `fattail_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    const drop = new Client({ connectionString: adminUrl });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await drop.end();
  }
}

/** A fresh database with the bench's customers and accounts, ready for the transactions file. */
async function withAccounts<T>(adminUrl: string, fn: (db: Database, url: string) => Promise<T>): Promise<T> {
  return withDatabase(adminUrl, async (url) => {
    // As `fattail ingest` opens it.
    const db = await openDatabase({ databaseUrl: url, poolSize: 2, applicationName: 'fattail-bench', sessionSettings: INGEST_SESSION_SETTINGS });
    try {
      await migrate(db.dataSource);
      const service = new IngestionService(db);
      for (let start = 0; start < ACCOUNTS; start += 1000) {
        const batch: Record<string, unknown>[] = [];
        for (let a = start; a < start + 1000; a++) {
          batch.push({ type: 'customer', key: `BC${a}`, fullName: `Bench customer ${a}` });
          batch.push({ type: 'account', key: `BA${a}`, customerKey: `BC${a}`, productType: 'CURRENT', openedAt: '2020-01-01' });
        }
        for (let i = 0; i < batch.length; i += 1000) await service.ingestRecords('core-banking', batch.slice(i, i + 1000));
      }
      await db.dataSource.query('ANALYZE');
      return await fn(db, url);
    } finally {
      await db.close();
    }
  });
}

async function timedIngest(db: Database, file: string, bulk: boolean): Promise<{ seconds: number; summary: IngestSummary }> {
  const t0 = process.hrtime.bigint();
  const summary = await new IngestionService(db).ingestFiles('core-banking', [file], { rejects: new MemoryRejectSink(), bulk });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, summary };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timedCopy(client: Client, file: string, sql: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), client.query(copyFrom(sql)));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** The COPY floors of one round: a bare table, the keyed bank_transaction shape, and COPY-then-build-the-keys. */
async function copyFloors(client: Client, tsv: string): Promise<Pick<IngestBenchRound, 'copySeconds' | 'indexedCopySeconds' | 'rebuildCopySeconds'>> {
  for (const t of ['bench_raw_copy', 'bench_indexed_copy', 'bench_rebuild_copy']) await client.query(`DROP TABLE IF EXISTS ${t}`);
  await client.query(`
    CREATE TABLE bench_raw_copy (customer_id bigint, account_id bigint, source_system text, source_key text, booked_at timestamptz,
      amount numeric(18, 2), currency char(3), channel text, counterparty_kind text, description text)`);
  const copySeconds = await timedCopy(client, tsv, 'COPY bench_raw_copy FROM STDIN');
  await client.query(`CREATE TABLE bench_indexed_copy (LIKE bank_transaction INCLUDING ALL)`);
  await client.query(`ALTER TABLE bench_indexed_copy ADD FOREIGN KEY (customer_id, account_id) REFERENCES account (customer_id, id) ON DELETE CASCADE`);
  const cols = 'customer_id, account_id, source_system, source_key, booked_at, amount, currency, channel, counterparty_kind, description';
  const indexedCopySeconds = await timedCopy(client, tsv, `COPY bench_indexed_copy (${cols}) FROM STDIN`);
  // The hand-written bulk recipe for this schema: COPY into the table without its keys, then build them.
  await client.query(`CREATE TABLE bench_rebuild_copy (LIKE bank_transaction INCLUDING DEFAULTS INCLUDING IDENTITY)`);
  const t0 = process.hrtime.bigint();
  await timedCopy(client, tsv, `COPY bench_rebuild_copy (${cols}) FROM STDIN`);
  await client.query(`SET maintenance_work_mem = '256MB'`);
  for (const ddl of [
    `ALTER TABLE bench_rebuild_copy ADD PRIMARY KEY (customer_id, id)`,
    `ALTER TABLE bench_rebuild_copy ADD UNIQUE (source_key, source_system)`,
    `CREATE INDEX ON bench_rebuild_copy (customer_id, account_id, booked_at DESC, id DESC)`,
    `CREATE INDEX ON bench_rebuild_copy (customer_id, booked_at DESC, id DESC)`,
    `ALTER TABLE bench_rebuild_copy ADD FOREIGN KEY (customer_id, account_id) REFERENCES account (customer_id, id) ON DELETE CASCADE`,
  ]) {
    await client.query(ddl);
  }
  const rebuildCopySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const t of ['bench_raw_copy', 'bench_indexed_copy', 'bench_rebuild_copy']) await client.query(`DROP TABLE ${t}`);
  return { copySeconds, indexedCopySeconds, rebuildCopySeconds };
}

/**
 * Times `fattail ingest` (the same service the CLI calls) on an NDJSON file of `rows` transactions into a fresh
 * PostgreSQL database created from `databaseUrl`: once batch by batch, then `rounds` times with --bulk (into
 * the emptied table, then the same file again), each round followed by the COPY floors of the same rows.
 */
export async function runIngestBench(databaseUrl: string, rows = 1_000_000, rounds = 3): Promise<IngestBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fattail-bench-'));
  const ndjson = path.join(dir, 'transactions.ndjson');
  const tsv = path.join(dir, 'transactions.tsv');
  try {
    await writeLines(ndjson, rows, (i) => JSON.stringify({ type: 'transaction', ...row(i) }) + '\n');
    const batched = await withAccounts(databaseUrl, (db) => timedIngest(db, ndjson, false));
    return await withAccounts(databaseUrl, async (db, url) => {
      // The same rows as COPY text, with the (customer_id, account_id) each account key resolves to.
      const ids = new Map<string, string>(
        (await db.dataSource.query(`SELECT source_key, customer_id || E'\\t' || id AS ids FROM account`)).map((r: { source_key: string; ids: string }) => [r.source_key, r.ids]),
      );
      await writeLines(tsv, rows, (i) => {
        const r = row(i);
        return `${ids.get(r.accountKey)}\tcore-banking\t${r.key}\t${r.bookedAt}\t${r.amount}\tCNY\t${r.channel}\t${r.counterpartyKind}\t${r.description ?? '\\N'}\n`;
      });
      const client = new Client({ connectionString: url });
      await client.connect();
      const perRound: IngestBenchRound[] = [];
      let bulkSummary: IngestSummary | undefined;
      let rerunUnchanged = 0;
      try {
        for (let round = 0; round < rounds; round++) {
          await client.query('TRUNCATE bank_transaction');
          await client.query('CHECKPOINT');
          const bulk = await timedIngest(db, ndjson, true);
          const rerun = await timedIngest(db, ndjson, true);
          if (bulk.summary.inserted !== batched.summary.inserted || rerun.summary.unchanged !== rows) {
            throw new Error(`bulk and batched loads disagree: ${JSON.stringify({ batched: batched.summary.inserted, bulk: bulk.summary.inserted, rerunUnchanged: rerun.summary.unchanged })}`);
          }
          bulkSummary = bulk.summary;
          rerunUnchanged = rerun.summary.unchanged;
          perRound.push({ bulkSeconds: bulk.seconds, bulkRerunSeconds: rerun.seconds, ...(await copyFloors(client, tsv)) });
        }
      } finally {
        await client.end();
      }

      const m = (pick: (r: IngestBenchRound) => number) => median(perRound.map(pick));
      const round = (n: number, d: number) => Number(n.toFixed(d));
      const bulkSeconds = m((r) => r.bulkSeconds);
      const copySeconds = m((r) => r.copySeconds);
      const indexedCopySeconds = m((r) => r.indexedCopySeconds);
      const rebuildCopySeconds = m((r) => r.rebuildCopySeconds);
      return {
        rows,
        fileBytes: statSync(ndjson).size,
        rounds,
        ingestSeconds: round(batched.seconds, 2),
        ingestRowsPerSecond: Math.round(rows / batched.seconds),
        bulkSeconds: round(bulkSeconds, 2),
        bulkRowsPerSecond: Math.round(rows / bulkSeconds),
        bulkRatio: round(m((r) => r.copySeconds / r.bulkSeconds), 3),
        bulkRerunSeconds: round(m((r) => r.bulkRerunSeconds), 2),
        bulkRerunUnchanged: rerunUnchanged,
        copySeconds: round(copySeconds, 2),
        copyRowsPerSecond: Math.round(rows / copySeconds),
        ratio: round(copySeconds / batched.seconds, 3),
        indexedCopySeconds: round(indexedCopySeconds, 2),
        indexedCopyRowsPerSecond: Math.round(rows / indexedCopySeconds),
        ratioToIndexedCopy: round(indexedCopySeconds / batched.seconds, 3),
        bulkRatioToIndexedCopy: round(m((r) => r.indexedCopySeconds / r.bulkSeconds), 3),
        rebuildCopySeconds: round(rebuildCopySeconds, 2),
        rebuildCopyRowsPerSecond: Math.round(rows / rebuildCopySeconds),
        bulkRatioToRebuildCopy: round(m((r) => r.rebuildCopySeconds / r.bulkSeconds), 3),
        perRound: perRound.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v, 2)])) as unknown as IngestBenchRound),
        summary: { inserted: batched.summary.inserted, rejected: batched.summary.rejected },
        bulkSummary: { inserted: bulkSummary!.inserted, rejected: bulkSummary!.rejected },
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('usage: ingest.bench <postgresql-url-with-CREATE-DATABASE-rights> [rows] [rounds]\n');
    process.exit(2);
  }
  runIngestBench(url, Number(process.argv[3] ?? 1_000_000), Number(process.argv[4] ?? 3)).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
