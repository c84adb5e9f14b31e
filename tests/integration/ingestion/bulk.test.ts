import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { IngestionService } from '../../../src/ingestion/ingestion.service';
import { loadIngestionConfig } from '../../../src/ingestion/ingestion.config';
import { MemoryRejectSink } from '../../../src/ingestion/rejects';
import { createTestDatabase, TestDatabase, testDatabaseKind } from '../../helpers/test-database';
import { ingest, snapshot, tempDir } from './helpers';

/**
 * `fattail ingest --bulk` must end exactly where the ordinary, batch-committed load ends: same rows, same
 * rejections, same parked records, and the tables' indexes and keys as they were.
 */
const dir = tempDir('fattail-bulk-');
const write = (name: string, records: object[]) => {
  const p = path.join(dir, name);
  writeFileSync(p, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
};
const tx = (i: number, accountKey: string, amount = `${i}.25`) => ({
  type: 'transaction',
  key: `T${i}`,
  accountKey,
  bookedAt: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
  amount,
  channel: ['BRANCH', 'ATM', 'POS', 'ONLINE'][i % 4],
  counterpartyKind: ['CASH', 'MERCHANT', 'OTHER_BANK', 'THIRD_PARTY_PLATFORM'][i % 4],
  description: i % 3 === 0 ? `tab\there, back\\slash ${i}` : undefined,
});

/** Customers and accounts, transactions (some before their account, one never linked, a repeat, a bad one). */
function coreFile(): string {
  const records: object[] = [];
  for (let c = 0; c < 20; c++) records.push({ type: 'customer', key: `C${c}`, fullName: `Customer ${c}`, phone: `1390000${String(c).padStart(4, '0')}` });
  for (let i = 0; i < 300; i++) records.push(tx(i, `A${i % 20}`));
  // The accounts come after their transactions for half the customers: late data within one file.
  for (let c = 0; c < 20; c++) records.push({ type: 'account', key: `A${c}`, customerKey: `C${c}`, productType: 'CURRENT', openedAt: '2020-01-01' });
  records.push(tx(7, 'A3', '999.99')); // repeats key T7: rejected, the first one wins
  records.push(tx(900, 'A-NEVER')); // parked: its account never comes
  records.push({ ...tx(901, 'A1'), amount: 'twelve' }); // invalid amount
  records.push({ ...tx(902, 'A1'), description: 'NUL \u0000 byte' }); // valid JSON that PostgreSQL refuses (text holds no NUL)
  for (let i = 300; i < 400; i++) records.push(tx(i, `A${i % 20}`));
  return write('core.ndjson', records);
}

function mobileFile(): string {
  const records: object[] = [];
  for (let c = 0; c < 5; c++) records.push({ type: 'customer', key: `M${c}`, fullName: `Mobile ${c}` });
  for (let i = 0; i < 50; i++) records.push({ type: 'session', key: `S${i}`, customerKey: `M${i % 6}`, startedAt: '2024-02-01T08:00:00Z', durationSeconds: 30 + i, featuresUsed: ['TRANSFER', 'BALANCE'] });
  return write('mobile.ndjson', records);
}

function partnerFile(): string {
  const records: object[] = [];
  for (let i = 0; i < 60; i++) records.push({ type: 'purchase', key: `P${i}`, customerKey: `U${i % 9}`, purchasedAt: '2024-03-01T12:00:00Z', amount: `${10 + i}.00`, category: 'ECOMMERCE' });
  records.push({ type: 'purchase', key: 'P3', customerKey: 'U1', purchasedAt: '2024-03-01T12:00:00Z', amount: '1.00' });
  return write('partner.ndjson', records);
}

async function loadAll(db: TestDatabase, files: { core: string; mobile: string; partner: string }, bulk: boolean) {
  const service = new IngestionService(db);
  const run = async (source: 'core-banking' | 'mobile-banking' | 'partner', file: string, partnerCode?: string) => {
    const rejects = new MemoryRejectSink();
    const summary = await service.ingestFiles(source, [file], { rejects, bulk, partnerCode });
    return { summary, rejections: rejects.rejections };
  };
  return { core: await run('core-banking', files.core), mobile: await run('mobile-banking', files.mobile), partner: await run('partner', files.partner, 'shopmart') };
}

/** Index and key definitions of the tables a bulk load may rebuild. */
async function schemaOf(db: TestDatabase): Promise<unknown[]> {
  return db.dataSource.query(
    `SELECT 'index' AS kind, tablename::text AS tbl, indexdef AS def FROM pg_indexes WHERE tablename IN ('bank_transaction', 'mobile_session', 'partner_purchase')
     UNION ALL
     SELECT 'constraint', conrelid::regclass::text, conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
     WHERE conrelid IN ('bank_transaction'::regclass, 'mobile_session'::regclass, 'partner_purchase'::regclass)
     ORDER BY 1, 2, 3`,
  );
}

describe(`bulk load equals the batch-committed load (${testDatabaseKind()})`, () => {
  let batched: TestDatabase;
  let bulk: TestDatabase;
  const files = { core: '', mobile: '', partner: '' };
  beforeAll(async () => {
    files.core = coreFile();
    files.mobile = mobileFile();
    files.partner = partnerFile();
    batched = await createTestDatabase();
    bulk = await createTestDatabase();
  });
  afterAll(async () => {
    await batched?.close();
    await bulk?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same rows, rejects the same records and parks the same orphans', async () => {
    const schemaBefore = await schemaOf(bulk);
    const a = await loadAll(batched, files, false);
    const b = await loadAll(bulk, files, true);
    const byLine = (rs: typeof a.core.rejections) => [...rs].sort((x, y) => x.line - y.line);
    for (const k of ['core', 'mobile', 'partner'] as const) {
      expect([k, byLine(b[k].rejections)]).toEqual([k, byLine(a[k].rejections)]);
      // The batched load parks transactions that come before their account and promotes them when it
      // arrives (here: once the refused record splits the batch); the bulk load writes them at the end of the
      // file. Every other count agrees.
      const counts = (s: typeof a.core.summary) => ({
        ...s,
        pending: undefined,
        promoted: undefined,
        rebuilt: undefined,
        byType: Object.fromEntries(Object.entries(s.byType).map(([t, c]) => [t, { ...c, pending: undefined }])),
      });
      expect([k, counts(b[k].summary)]).toEqual([k, counts(a[k].summary)]);
    }
    expect(byLine(a.core.rejections).map((r) => [r.line, r.field])).toEqual([
      [341, 'key'],
      [343, 'amount'],
      [344, undefined],
    ]);
    expect(byLine(b.core.rejections)[2]).toMatchObject({ key: 'T902', type: 'transaction', reason: expect.stringMatching(/^database refused the record: /) });
    expect(byLine(a.core.rejections)[0].reason).toBe(`duplicate transaction key T7 (first at ${files.core}:28)`);
    expect(a.partner.rejections.map((r) => [r.key, r.field])).toEqual([['P3', 'key']]);
    expect([a.core.summary.promoted, b.core.summary.promoted]).toEqual([241, 0]);
    expect(b.core.summary.rebuilt).toEqual(['bank_transaction']);
    expect(b.mobile.summary.rebuilt).toEqual(['mobile_session']);
    expect(b.partner.summary.rebuilt).toEqual(['partner_purchase']);
    const [sa, sb] = [await snapshot(batched), await snapshot(bulk)];
    expect(sb.bank_transaction).toHaveLength(400);
    // T900 and the 8 sessions of customer M5, who never comes.
    expect(sb.ingest_pending).toHaveLength(9);
    for (const table of Object.keys(sa)) expect([table, sb[table]]).toEqual([table, sa[table]]);
    expect(await schemaOf(bulk)).toEqual(schemaBefore);
  });

  it('changes nothing when the same files are loaded again', async () => {
    const again = await loadAll(bulk, files, true);
    for (const k of ['core', 'mobile', 'partner'] as const) {
      expect([k, again[k].summary.inserted, again[k].summary.updated]).toEqual([k, 0, 0]);
    }
    expect(again.core.summary.unchanged).toBe(again.core.summary.read - again.core.summary.rejected);
  });

  it('updates changed rows, through the rebuild and through the ordinary upsert when the table outweighs the load', async () => {
    // 401 rows staged against 401 in the table: the indexes are rebuilt.
    const changed = write('changed.ndjson', [...Array.from({ length: 400 }, (_, i) => tx(i, `A${i % 20}`, i < 3 ? '-1.00' : undefined)), tx(900, 'A-NEVER')]);
    const r = await new IngestionService(bulk).ingestFiles('core-banking', [changed], { rejects: new MemoryRejectSink(), bulk: true });
    expect(r).toMatchObject({ updated: 3, inserted: 0, unchanged: 398, pending: 0, stillPending: 1, rebuilt: ['bank_transaction'] });
    // Two rows against 400: no rebuild.
    const small = write('small.ndjson', [tx(0, 'A0', '-2.00'), tx(5000, 'A4')]);
    const s = await new IngestionService(bulk).ingestFiles('core-banking', [small], { rejects: new MemoryRejectSink(), bulk: true });
    expect(s).toMatchObject({ updated: 1, inserted: 1, rebuilt: [] });
    const rows = await bulk.dataSource.query(`SELECT source_key, amount::text FROM bank_transaction WHERE source_key IN ('T0', 'T1', 'T2', 'T3', 'T5000') ORDER BY 1`);
    expect(rows).toEqual([
      { source_key: 'T0', amount: '-2.00' },
      { source_key: 'T1', amount: '-1.00' },
      { source_key: 'T2', amount: '-1.00' },
      { source_key: 'T3', amount: '3.25' },
      { source_key: 'T5000', amount: '5000.25' },
    ]);
    expect(await schemaOf(bulk)).toEqual(await schemaOf(batched));
  });

  it('writes a file in a number of statements that does not grow with its rows', async () => {
    const statements = async (n: number) => {
      const db = await createTestDatabase();
      try {
        const setup = write(`setup-${n}.ndjson`, [
          { type: 'customer', key: 'C0', fullName: 'Customer 0' },
          { type: 'account', key: 'A0', customerKey: 'C0', productType: 'CURRENT', openedAt: '2020-01-01' },
        ]);
        await ingest(db, 'core-banking', [setup]);
        const file = write(`n-${n}.ndjson`, Array.from({ length: n }, (_, i) => tx(i, 'A0')));
        const spy = jest.spyOn(Client.prototype, 'query');
        try {
          const r = await new IngestionService(db, { ...loadIngestionConfig(), batchSize: 10_000 }).ingestFiles('core-banking', [file], { rejects: new MemoryRejectSink(), bulk: true });
          expect(r.inserted).toBe(n);
          return spy.mock.calls.length;
        } finally {
          spy.mockRestore();
        }
      } finally {
        await db.close();
      }
    };
    const [few, many] = [await statements(50), await statements(2_000)];
    expect(few).toBeGreaterThan(10);
    expect(many).toBe(few);
  });
});

describe(`bulk load reads alike in parse workers and in the calling thread (${testDatabaseKind()})`, () => {
  // On PostgreSQL a bulk load parses NDJSON in worker threads; parseWorkers: 0 parses in the calling thread
  // (as PGlite always does). A file of several read chunks, with everything a reader must pinpoint.
  const mixedDir = tempDir('fattail-bulk-mixed-');
  const file = path.join(mixedDir, 'mixed.ndjson');
  const dbs: TestDatabase[] = [];
  beforeAll(() => {
    const parts: Buffer[] = [];
    const line = (r: object | string, eol = '\n') => parts.push(Buffer.from((typeof r === 'string' ? r : JSON.stringify(r)) + eol));
    for (let c = 0; c < 10; c++) line({ type: 'customer', key: `C${c}`, fullName: `Zoë ${c} 北京` });
    for (let c = 0; c < 10; c++) line({ type: 'account', key: `A${c}`, customerKey: `C${c}`, productType: 'CURRENT', openedAt: '2020-01-01' });
    for (let i = 0; i < 9000; i++) {
      if (i === 10) line('{"type": "transaction", "key": "T-broken", ');
      if (i === 20) parts.push(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]));
      if (i === 30) line('');
      if (i === 4000) line({ ...tx(i, 'A1'), colour: 'red' });
      if (i === 5000) line(tx(3, 'A2'));
      // Transactions arrive before the last two accounts do (late data within the file).
      if (i === 6000) line({ type: 'account', key: 'A10', customerKey: 'C1', productType: 'SAVINGS', openedAt: '2021-01-01' });
      line({ ...tx(i, `A${i % 11}`), description: i % 7 === 0 ? `café Zürich ${i} 上海` : undefined }, i % 5 === 0 ? '\r\n' : '\n');
    }
    line({ type: 'customer', key: 'C10', fullName: 'Last' }, '');
    writeFileSync(file, Buffer.concat(parts));
  });
  afterAll(async () => {
    for (const db of dbs) await db.close();
    rmSync(mixedDir, { recursive: true, force: true });
  });

  it('writes the same rows, counts and rejections from the same file', async () => {
    const run = async (options: { bulk: boolean; parseWorkers?: number }) => {
      const db = await createTestDatabase();
      dbs.push(db);
      const rejects = new MemoryRejectSink();
      const summary = await new IngestionService(db).ingestFiles('core-banking', [file], { rejects, ...options });
      return { summary: { ...summary, pending: undefined, promoted: undefined, rebuilt: undefined }, rejections: rejects.rejections, tables: await snapshot(db) };
    };
    const inWorkers = await run({ bulk: true, parseWorkers: 2 });
    const inThread = await run({ bulk: true, parseWorkers: 0 });
    const batched = await run({ bulk: false });
    expect(inWorkers.summary).toMatchObject({ read: 9026, inserted: 9022, rejected: 4, fileErrors: [] });
    expect(inWorkers.rejections.map((r) => [r.line, r.field, r.reason.slice(0, 30)])).toEqual([
      [31, undefined, 'malformed JSON (truncated line'],
      [42, undefined, 'line is not valid UTF-8 (first'],
      [4024, 'colour', 'unknown field colour for recor'],
      [5025, 'key', 'duplicate transaction key T3 ('],
    ]);
    for (const other of [inThread, batched]) {
      expect(other.rejections).toEqual(inWorkers.rejections);
      expect(other.summary).toEqual(inWorkers.summary);
      for (const table of Object.keys(inWorkers.tables)) expect([table, other.tables[table]]).toEqual([table, inWorkers.tables[table]]);
    }
  });
});

describe(`bulk load into an empty table writes while it reads (${testDatabaseKind()})`, () => {
  const streamDir = tempDir('fattail-bulk-stream-');
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.close();
    rmSync(streamDir, { recursive: true, force: true });
  });

  const writeFile = (name: string, records: object[]) => {
    const file = path.join(streamDir, name);
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return file;
  };

  /** Loads the file into a fresh database; returns the summary, rejections, tables and the SQL sent. */
  async function load(file: string, bulk: boolean) {
    const db = await createTestDatabase();
    dbs.push(db);
    const rejects = new MemoryRejectSink();
    const spy = jest.spyOn(Client.prototype, 'query');
    let sql: string[];
    let summary;
    try {
      summary = await new IngestionService(db, { ...loadIngestionConfig(), batchSize: 100 }).ingestFiles('core-banking', [file], { rejects, bulk });
      sql = spy.mock.calls.map((c) => c[0]).filter((q): q is string => typeof q === 'string');
    } finally {
      spy.mockRestore();
    }
    // A batched load parks and promotes rows that come before their parent; a bulk load writes them at the end.
    const comparable = {
      ...summary,
      pending: undefined,
      promoted: undefined,
      rebuilt: undefined,
      byType: Object.fromEntries(Object.entries(summary.byType).map(([t, c]) => [t, { ...c, pending: undefined }])),
    };
    return { summary: comparable, rebuilt: summary.rebuilt, rejections: rejects.rejections, tables: await snapshot(db), sql };
  }

  it('writes rows whose account comes later in the file at its end, and checks nothing twice', async () => {
    const records: object[] = [{ type: 'customer', key: 'C0', fullName: 'C 0' }, { type: 'customer', key: 'C1', fullName: 'C 1' }];
    records.push({ type: 'account', key: 'A0', customerKey: 'C0', productType: 'CURRENT', openedAt: '2020-01-01' });
    for (let i = 0; i < 500; i++) records.push(tx(i, i % 2 === 0 ? 'A0' : 'A1'));
    records.push({ type: 'account', key: 'A1', customerKey: 'C1', productType: 'SAVINGS', openedAt: '2020-01-01' });
    const file = writeFile('late.ndjson', records);
    const bulk = await load(file, true);
    const batched = await load(file, false);
    expect(bulk.summary).toMatchObject({ read: 504, inserted: 504, rejected: 0, stillPending: 0 });
    expect(bulk.rebuilt).toEqual(['bank_transaction']);
    expect(bulk.summary).toEqual(batched.summary);
    for (const table of Object.keys(batched.tables)) expect([table, bulk.tables[table]]).toEqual([table, batched.tables[table]]);
    if (testDatabaseKind() === 'postgres') {
      // Written batch by batch (five batches of 100), the late half at the end; never undone.
      expect(bulk.sql.filter((q) => /^\s*INSERT INTO bank_transaction/.test(q)).length).toBeGreaterThanOrEqual(6);
      expect(bulk.sql.filter((q) => /DELETE FROM bank_transaction|count\(DISTINCT/.test(q))).toEqual([]);
    }
  });

  it('starts again from the stage, checked, when the file repeats a key', async () => {
    const records: object[] = [{ type: 'customer', key: 'C0', fullName: 'C 0' }, { type: 'account', key: 'A0', customerKey: 'C0', productType: 'CURRENT', openedAt: '2020-01-01' }];
    for (let i = 0; i < 300; i++) records.push(tx(i, 'A0'));
    records.push(tx(42, 'A0', '-7.00'));
    const file = writeFile('repeat.ndjson', records);
    const bulk = await load(file, true);
    const batched = await load(file, false);
    expect(bulk.rejections).toEqual(batched.rejections);
    expect(bulk.rejections.map((r) => [r.line, r.key, r.field])).toEqual([[303, 'T42', 'key']]);
    expect(bulk.summary).toEqual(batched.summary);
    for (const table of Object.keys(batched.tables)) expect([table, bulk.tables[table]]).toEqual([table, batched.tables[table]]);
    if (testDatabaseKind() === 'postgres') expect(bulk.sql.filter((q) => /DELETE FROM bank_transaction/.test(q))).toHaveLength(1);
  });
});
