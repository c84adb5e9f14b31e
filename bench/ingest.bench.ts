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

export interface IngestBenchResult {
  rows: number;
  fileBytes: number;
  /** `fattail ingest` (atomic batches): every batch committed as it goes. */
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
  /** COPY of the same rows into a table shaped like bank_transaction (its keys, indexes and foreign key): the floor for this schema. */
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

/**
 * Times `fattail ingest` (the same service the CLI calls) on an NDJSON file of `rows` transactions into a fresh
 * PostgreSQL database created from `databaseUrl`, with and without --bulk, and a plain COPY of the same rows
 * into a bare table without keys or indexes: the floor. All write to one server, one after the other.
 */
export async function runIngestBench(databaseUrl: string, rows = 1_000_000): Promise<IngestBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fattail-bench-'));
  const ndjson = path.join(dir, 'transactions.ndjson');
  const tsv = path.join(dir, 'transactions.tsv');
  try {
    await writeLines(ndjson, rows, (i) => JSON.stringify({ type: 'transaction', ...row(i) }) + '\n');
    const batched = await withAccounts(databaseUrl, (db) => timedIngest(db, ndjson, false));
    return await withAccounts(databaseUrl, async (db, url) => {
      const bulk = await timedIngest(db, ndjson, true);
      const rerun = await timedIngest(db, ndjson, true);
      if (bulk.summary.inserted !== batched.summary.inserted || rerun.summary.unchanged !== rows) {
        throw new Error(`bulk and batched loads disagree: ${JSON.stringify({ batched: batched.summary.inserted, bulk: bulk.summary.inserted, rerunUnchanged: rerun.summary.unchanged })}`);
      }

      // The same rows as COPY text, with the (customer_id, account_id) each account key resolves to.
      const ids = new Map<string, string>(
        (await db.dataSource.query(`SELECT source_key, customer_id || E'\\t' || id AS ids FROM account`)).map((r: { source_key: string; ids: string }) => [r.source_key, r.ids]),
      );
      await writeLines(tsv, rows, (i) => {
        const r = row(i);
        return `${ids.get(r.accountKey)}\tcore-banking\t${r.key}\t${r.bookedAt}\t${r.amount}\tCNY\t${r.channel}\t${r.counterpartyKind}\t${r.description ?? '\\N'}\n`;
      });
      await db.dataSource.query(`
        CREATE TABLE bench_raw_copy (customer_id bigint, account_id bigint, source_system text, source_key text, booked_at timestamptz,
          amount numeric(18, 2), currency char(3), channel text, counterparty_kind text, description text)`);
      const client = new Client({ connectionString: url });
      await client.connect();
      const t1 = process.hrtime.bigint();
      await pipeline(createReadStream(tsv, { highWaterMark: 1 << 20 }), client.query(copyFrom('COPY bench_raw_copy FROM STDIN')));
      const copySeconds = Number(process.hrtime.bigint() - t1) / 1e9;
      await db.dataSource.query(`CREATE TABLE bench_indexed_copy (LIKE bank_transaction INCLUDING ALL)`);
      await db.dataSource.query(
        `ALTER TABLE bench_indexed_copy ADD FOREIGN KEY (customer_id, account_id) REFERENCES account (customer_id, id) ON DELETE CASCADE`,
      );
      const cols = 'customer_id, account_id, source_system, source_key, booked_at, amount, currency, channel, counterparty_kind, description';
      const t2 = process.hrtime.bigint();
      await pipeline(createReadStream(tsv, { highWaterMark: 1 << 20 }), client.query(copyFrom(`COPY bench_indexed_copy (${cols}) FROM STDIN`)));
      const indexedCopySeconds = Number(process.hrtime.bigint() - t2) / 1e9;
      // The hand-written bulk recipe for this schema: COPY into the table without its keys, then build them.
      await db.dataSource.query(`CREATE TABLE bench_rebuild_copy (LIKE bank_transaction INCLUDING DEFAULTS INCLUDING IDENTITY)`);
      const t3 = process.hrtime.bigint();
      await pipeline(createReadStream(tsv, { highWaterMark: 1 << 20 }), client.query(copyFrom(`COPY bench_rebuild_copy (${cols}) FROM STDIN`)));
      await client.query(`SET maintenance_work_mem = '256MB'`);
      for (const ddl of [
        `ALTER TABLE bench_rebuild_copy ADD PRIMARY KEY (customer_id, id)`,
        `ALTER TABLE bench_rebuild_copy ADD UNIQUE (source_system, source_key)`,
        `CREATE INDEX ON bench_rebuild_copy (customer_id, account_id, booked_at DESC, id DESC)`,
        `CREATE INDEX ON bench_rebuild_copy (customer_id, booked_at DESC, id DESC)`,
        `ALTER TABLE bench_rebuild_copy ADD FOREIGN KEY (customer_id, account_id) REFERENCES account (customer_id, id) ON DELETE CASCADE`,
      ]) {
        await client.query(ddl);
      }
      const rebuildCopySeconds = Number(process.hrtime.bigint() - t3) / 1e9;
      await client.end();

      const perSecond = (s: number) => rows / s;
      const round = (n: number, d: number) => Number(n.toFixed(d));
      return {
        rows,
        fileBytes: statSync(ndjson).size,
        ingestSeconds: round(batched.seconds, 2),
        ingestRowsPerSecond: Math.round(perSecond(batched.seconds)),
        bulkSeconds: round(bulk.seconds, 2),
        bulkRowsPerSecond: Math.round(perSecond(bulk.seconds)),
        bulkRatio: round(copySeconds / bulk.seconds, 3),
        bulkRerunSeconds: round(rerun.seconds, 2),
        bulkRerunUnchanged: rerun.summary.unchanged,
        copySeconds: round(copySeconds, 2),
        copyRowsPerSecond: Math.round(perSecond(copySeconds)),
        ratio: round(copySeconds / batched.seconds, 3),
        indexedCopySeconds: round(indexedCopySeconds, 2),
        indexedCopyRowsPerSecond: Math.round(perSecond(indexedCopySeconds)),
        ratioToIndexedCopy: round(indexedCopySeconds / batched.seconds, 3),
        bulkRatioToIndexedCopy: round(indexedCopySeconds / bulk.seconds, 3),
        rebuildCopySeconds: round(rebuildCopySeconds, 2),
        rebuildCopyRowsPerSecond: Math.round(perSecond(rebuildCopySeconds)),
        bulkRatioToRebuildCopy: round(rebuildCopySeconds / bulk.seconds, 3),
        summary: { inserted: batched.summary.inserted, rejected: batched.summary.rejected },
        bulkSummary: { inserted: bulk.summary.inserted, rejected: bulk.summary.rejected },
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('usage: ingest.bench <postgresql-url-with-CREATE-DATABASE-rights> [rows]\n');
    process.exit(2);
  }
  runIngestBench(url, Number(process.argv[3] ?? 1_000_000)).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
