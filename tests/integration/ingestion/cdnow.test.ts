import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, TestDatabase, testDatabaseKind } from '../../helpers/test-database';
import { count, DATASETS, ingest } from './helpers';

const SAMPLE = path.join(DATASETS, 'cdnow', 'CDNOW_sample.txt');
const present = existsSync(SAMPLE);
const describeIf = present ? describe : describe.skip;

describeIf(present ? `cdnow adapter on CDNOW_sample.txt (${testDatabaseKind()})` : `cdnow adapter: skipped, no dataset at ${SAMPLE}`, () => {
  let db: TestDatabase;
  let first: Awaited<ReturnType<typeof ingest>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const t0 = Date.now();
    first = await ingest(db, 'partner', [SAMPLE], { format: 'cdnow' });
    process.stdout.write(`cdnow sample load on ${testDatabaseKind()}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('creates one customer per partner customer id and one purchase per line', async () => {
    expect(first.rejections).toEqual([]);
    expect(first).toMatchObject({ read: 6919, inserted: 6919, rejected: 0, customersCreated: 2357, customersMerged: 0 });
    expect(await count(db, 'customer')).toBe(2357);
    expect(await count(db, 'customer_source', `source_system = 'partner:cdnow' AND match_rule = 'NEW_CUSTOMER'`)).toBe(2357);
    expect(await count(db, 'partner_purchase')).toBe(6919);
    const [partner] = await db.dataSource.query(`SELECT code, name, industry FROM partner`);
    expect(partner).toEqual({ code: 'cdnow', name: 'CDNOW', industry: 'music retail' });
  });

  it('keeps amounts exact and the CD count as a source code', async () => {
    const [{ total }] = await db.dataSource.query(`SELECT sum(amount)::text AS total FROM partner_purchase`);
    const [{ cds }] = await db.dataSource.query(`SELECT sum((source_codes->>'cds')::int)::int AS cds FROM partner_purchase`);
    // Recomputed from the file itself, not a constant: each line's 5th field.
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(SAMPLE, 'utf8').split(/\r?\n/).filter((l) => l.trim());
    const cents = lines.reduce((n, l) => n + Math.round(Number(l.trim().split(/\s+/)[4]) * 100), 0);
    const fileCds = lines.reduce((n, l) => n + Number(l.trim().split(/\s+/)[3]), 0);
    expect(total).toBe((cents / 100).toFixed(2));
    expect(cds).toBe(fileCds);
    // Customer 00004 bought on 1997-01-01 once: key customer-date-ordinal.
    const [p] = await db.dataSource.query(`SELECT amount, currency, purchased_at FROM partner_purchase WHERE source_key = '00004-19970101-1'`);
    expect(p).toMatchObject({ amount: '29.33', currency: 'USD' });
  });

  it('numbers same-day purchases of a customer so every line has its own stable key', async () => {
    const [{ multi }] = await db.dataSource.query(`SELECT count(*)::int AS multi FROM partner_purchase WHERE source_key LIKE '%-2'`);
    // 6 919 lines on 6 696 distinct customer-days (README): 223 second-or-later purchases on a day.
    const [{ later }] = await db.dataSource.query(`SELECT count(*)::int AS later FROM partner_purchase WHERE source_key !~ '-1$'`);
    expect(later).toBe(6919 - 6696);
    expect(multi).toBeGreaterThan(0);
  });

  it('changes nothing on a second run', async () => {
    const again = await ingest(db, 'partner', [SAMPLE], { format: 'cdnow' });
    expect(again).toMatchObject({ read: 6919, unchanged: 6919, inserted: 0, updated: 0, customersCreated: 0 });
  });

  // The master file is ten times the sample: on PGlite that alone takes minutes, so only on PostgreSQL.
  const master = path.join(DATASETS, 'cdnow', 'CDNOW_master.txt');
  const itMaster = testDatabaseKind() === 'postgres' && existsSync(master) ? it : it.skip;
  itMaster(`loads CDNOW_master.txt on top (PostgreSQL only): the sample's purchases are the master's, unchanged`, async () => {
    const r = await ingest(db, 'partner', [master], { format: 'cdnow' });
    expect(r).toMatchObject({ read: 69659, inserted: 69659 - 6919, unchanged: 6919, updated: 0, rejected: 0, customersCreated: 23570 - 2357 });
    const [{ n, total }] = await db.dataSource.query(`SELECT count(*)::int AS n, sum(amount)::text AS total FROM partner_purchase`);
    // README: 69 659 rows, $2,500,315.63 in total.
    expect([n, total]).toEqual([69659, '2500315.63']);
  }, 300_000);
});
