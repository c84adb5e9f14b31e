import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { Database, openDatabase } from '../../../src/database/database';
import { testDatabaseKind } from '../../helpers/test-database';
import { REPO_ROOT, snapshot, tempDir } from './helpers';

/**
 * Kill -9 in the middle of a load, run it again, and the database must equal a clean single run:
 * batches are atomic and every write is an idempotent upsert. The CLI runs as a child process from the
 * TypeScript sources, against a PGlite data folder or (TEST_DATABASE_URL set) a fresh PostgreSQL database.
 */
const CUSTOMERS = 1000;
const TRANSACTIONS = 12_000;
const LINKERS = 30;
const BATCH = 500;

async function writeDataFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  const w = async (o: object) => {
    if (!out.write(JSON.stringify(o) + '\n')) await once(out, 'drain');
  };
  const lateFrom = Math.floor(CUSTOMERS * 0.8);
  for (let i = 0; i < CUSTOMERS; i++) {
    const d = String((i % 28) + 1).padStart(2, '0');
    await w({ type: 'customer', key: `C${i}`, fullName: `Customer ${i}`, nationalId: `ID${100000 + i}`, phone: `1390000${String(i).padStart(4, '0')}`, birthDate: `1980-01-${d}` });
    // The last fifth of accounts comes at the end of the file: their transactions wait in pending first.
    if (i < lateFrom) await w({ type: 'account', key: `A${i}`, customerKey: `C${i}`, productType: 'CURRENT', openedAt: '2020-01-01' });
  }
  for (let t = 0; t < TRANSACTIONS; t++) {
    const a = (t * 7919) % CUSTOMERS;
    const cents = (t * 31) % 100000;
    await w({
      type: 'transaction',
      key: `T${t}`,
      accountKey: `A${a}`,
      bookedAt: new Date(Date.UTC(2024, 0, 1) + t * 60_000).toISOString(),
      amount: `${t % 3 === 0 ? '-' : ''}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      channel: ['BRANCH', 'ATM', 'POS', 'ONLINE'][t % 4],
      counterpartyKind: ['CASH', 'CASH', 'MERCHANT', 'OTHER_BANK'][t % 4],
    });
    // Linking records spread through the file: national ID of one customer, phone + birth date of another.
    if (t % Math.floor(TRANSACTIONS / LINKERS) === 0) {
      const k = t / Math.floor(TRANSACTIONS / LINKERS);
      const x = 2 * k;
      const y = 2 * k + 1;
      await w({ type: 'customer', key: `L${k}`, nationalId: `ID${100000 + x}`, phone: `1390000${String(y).padStart(4, '0')}`, birthDate: `1980-01-${String((y % 28) + 1).padStart(2, '0')}` });
    }
  }
  for (let i = lateFrom; i < CUSTOMERS; i++) await w({ type: 'account', key: `A${i}`, customerKey: `C${i}`, productType: 'SAVINGS', openedAt: '2021-01-01' });
  out.end();
  await once(out, 'finish');
}

interface Target {
  env: NodeJS.ProcessEnv;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

async function makeTarget(): Promise<Target> {
  const base: NodeJS.ProcessEnv = { ...process.env, FATTAIL_INGEST_BATCH_SIZE: String(BATCH), LOG_LEVEL: 'silent' };
  delete base.DATABASE_URL;
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) {
    const dataDir = tempDir('fattail-crash-db-');
    return {
      env: { ...base, FATTAIL_DATA_DIR: dataDir },
      open: () => openDatabase({ dataDir }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `fattail_crash_${process.pid}_${randomBytes(4).toString('hex')}`;
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    // The app config insists on its API-key pepper whenever DATABASE_URL is set.
    env: { ...base, DATABASE_URL: url.toString(), FATTAIL_KEY_PEPPER: process.env.FATTAIL_KEY_PEPPER ?? 'crash-test-pepper-0123456789abcdef0123456789' },
    open: () => openDatabase({ databaseUrl: url.toString(), poolSize: 2 }),
    drop: async () => {
      const d = new Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

function runCli(target: Target, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'tests/helpers/ts-register.js'), path.join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: os.tmpdir(),
    env: target.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

describe(`SIGKILL mid-load, then re-run, equals one clean run (${testDatabaseKind()})`, () => {
  const dir = tempDir('fattail-crash-');
  const data = path.join(dir, 'load.ndjson');
  const targets: Target[] = [];
  /** The clean single run of the first test, the reference for the bulk one. */
  let cleanTarget: Target | undefined;
  beforeAll(async () => {
    await writeDataFile(data);
  });
  afterAll(async () => {
    for (const t of targets) await t.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts the load, SIGKILLs it once `killAfter` progress lines have appeared, checks it died of the signal,
   * then runs it again to the end.
   */
  async function killThenRerun(target: Target, args: string[], progress: RegExp, killAfter: number) {
    const first = runCli(target, args);
    let seen = 0;
    first.child.stderr!.on('data', (b: Buffer) => {
      seen += (b.toString().match(progress) ?? []).length;
      if (seen >= killAfter && first.child.exitCode === null) first.child.kill('SIGKILL');
    });
    const killed = await first.done;
    expect([killed.signal, killed.stderr.replace(/batch (committed|written).*\n/g, '')]).toEqual(['SIGKILL', '']);
    const rerun = await runCli(target, args).done;
    expect(rerun.stderr.replace(/batch (committed|written).*\n/g, '')).toBe('');
    expect(rerun.code).toBe(0);
    return rerun;
  }

  it('ends exactly where a clean run ends', async () => {
    const args = ['ingest', '--source', 'core-banking', '--verbose', '--rejects', path.join(dir, 'r.ndjson'), data];
    const crashed = await makeTarget();
    const clean = await makeTarget();
    targets.push(crashed, clean);

    // Kill once a few batches have committed, so the kill lands inside a later batch.
    await killThenRerun(crashed, args, /batch committed/g, 3);
    const single = await runCli(clean, args).done;
    expect(single.code).toBe(0);
    expect(single.stdout).toMatch(/rejected: +0/);
    expect(single.stdout).toMatch(new RegExp(`customers merged: +${LINKERS}`));

    const a = await crashed.open();
    const b = await clean.open();
    try {
      const [sa, sb] = [await snapshot(a), await snapshot(b)];
      expect(sa.bank_transaction).toHaveLength(TRANSACTIONS);
      expect(sa.customer).toHaveLength(CUSTOMERS - LINKERS);
      expect(sa.ingest_pending).toEqual([]);
      for (const table of Object.keys(sb)) expect([table, sa[table]]).toEqual([table, sb[table]]);
    } finally {
      await a.close();
      await b.close();
    }
    // A third run changes nothing.
    const again = await runCli(clean, args).done;
    expect(again.stdout).toMatch(/inserted: +0\n/);
    expect(again.stdout).toMatch(/updated: +0\n/);
    expect(readFileSync(path.join(dir, 'load.ndjson')).length).toBeGreaterThan(1_000_000);
    cleanTarget = clean;
  }, 600_000);

  it('a bulk load killed mid-way and run again ends where the batched clean run ends, indexes and keys intact', async () => {
    expect(cleanTarget).toBeDefined();
    const args = ['ingest', '--source', 'core-banking', '--bulk', '--parse-workers', '3', '--verbose', '--rejects', path.join(dir, 'rb.ndjson'), data];
    const crashed = await makeTarget();
    targets.push(crashed);
    // Half-way through the file: its bulk-staged transactions and a share of its customers are written, uncommitted.
    const rerun = await killThenRerun(crashed, args, /batch written/g, 12);
    expect(rerun.stdout).toMatch(/bulk load rebuilt the indexes of: bank_transaction/);
    const a = await crashed.open();
    const b = await cleanTarget!.open();
    try {
      const [sa, sb] = [await snapshot(a), await snapshot(b)];
      for (const table of Object.keys(sb)) expect([table, sa[table]]).toEqual([table, sb[table]]);
      const keys = `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'bank_transaction'::regclass
                     UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'bank_transaction' ORDER BY 1, 2`;
      const [ka, kb] = [await a.dataSource.query(keys), await b.dataSource.query(keys)];
      expect(ka.length).toBeGreaterThanOrEqual(7);
      expect(ka).toEqual(kb);
    } finally {
      await a.close();
      await b.close();
    }
  }, 600_000);
});
