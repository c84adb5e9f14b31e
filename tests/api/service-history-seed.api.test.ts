import { DataSource } from 'typeorm';
import { seedDemoBank } from '../../seeds/demo-bank.seed';
import { SqlParams } from '../../src/database/sql';
import { DEFAULT_CONTACT_POLICY } from '../../src/modules/service-history/contact-policy';
import { noContactWithinDaysSql, overContactedSql } from '../../src/modules/service-history/contact-filter.sql';
import { createTestDatabase, TestDatabase } from '../helpers/test-database';

const CUSTOMERS = 400;
const NOW = new Date('2025-06-01T00:00:00Z');

async function scalar(ds: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await ds.query(sql, params);
  return Number(Object.values(row)[0]);
}

async function countWhere(ds: DataSource, condition: (p: SqlParams) => string): Promise<number> {
  const params = new SqlParams();
  return scalar(ds, `SELECT count(*) FROM customer c WHERE ${condition(params)}`, params.values);
}

const HASH = `SELECT md5(string_agg(concat_ws('|', customer_id, occurred_at, channel, kind, outcome, branch_id, staff_ref, product_type, note, source_system, source_key), ',' ORDER BY source_system, source_key)) AS i,
                     (SELECT md5(string_agg(concat_ws('|', customer_id, due_at, reason, owner, branch_id, completed_at, outcome), ',' ORDER BY customer_id, due_at, reason)) FROM follow_up) AS f
                FROM interaction`;

describe('demo seed: realistic service history', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoBank(db.dataSource, { customers: CUSTOMERS, seed: 7, now: NOW });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('records sales, branch visits, call-centre requests, complaints and marketing, all in the past', async () => {
    const ds = db.dataSource;
    const kinds = await ds.query(`SELECT kind, count(*)::int AS n FROM interaction GROUP BY kind ORDER BY kind`);
    expect(kinds.map((k: { kind: string }) => k.kind)).toEqual(['ADVICE', 'COMPLAINT', 'FOLLOW_UP', 'MARKETING_CONTACT', 'SALE', 'SERVICE_REQUEST']);
    const channels = await ds.query(`SELECT DISTINCT channel FROM interaction ORDER BY 1`);
    expect(channels.map((c: { channel: string }) => c.channel)).toEqual(expect.arrayContaining(['BRANCH', 'CALL_CENTRE', 'EMAIL', 'MOBILE_APP', 'ONLINE', 'SMS']));
    expect(await scalar(ds, `SELECT count(*) FROM interaction WHERE occurred_at >= $1`, [NOW.toISOString()])).toBe(0);
    expect(await scalar(ds, `SELECT count(*) FROM interaction WHERE channel = 'BRANCH' AND branch_id IS NULL AND kind <> 'FOLLOW_UP'`)).toBe(0);
    const perCustomer = (await scalar(ds, `SELECT count(*) FROM interaction`)) / CUSTOMERS;
    expect(perCustomer).toBeGreaterThan(2);
    expect(perCustomer).toBeLessThan(8);
  });

  it('leaves a long tail never contacted and over-contacts a few', async () => {
    const ds = db.dataSource;
    const neverMarketed = await scalar(ds, `SELECT count(*) FROM customer c WHERE NOT EXISTS (SELECT 1 FROM interaction i WHERE i.customer_id = c.id AND i.kind = 'MARKETING_CONTACT')`);
    expect(neverMarketed / CUSTOMERS).toBeGreaterThan(0.45);
    // Not a word from the bank in a whole year, for a good share of customers.
    const quietYear = await countWhere(ds, (p) => noContactWithinDaysSql('c.id', 365, p, { now: NOW }));
    expect(quietYear / CUSTOMERS).toBeGreaterThan(0.2);
    const over = await countWhere(ds, (p) => overContactedSql('c.id', DEFAULT_CONTACT_POLICY, p, { now: NOW }));
    expect(over).toBeGreaterThan(0);
    expect(over / CUSTOMERS).toBeLessThan(0.06);
  });

  it('creates follow-ups: most old ones done, some overdue, some still due', async () => {
    const ds = db.dataSource;
    const [row] = await ds.query(
      `SELECT count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS done,
              count(*) FILTER (WHERE completed_at IS NULL AND due_at < $1)::int AS overdue,
              count(*) FILTER (WHERE completed_at IS NULL AND due_at >= $1)::int AS open
         FROM follow_up`,
      [NOW.toISOString()],
    );
    expect(row.done).toBeGreaterThan(row.overdue);
    expect(row.overdue).toBeGreaterThan(0);
    expect(row.open).toBeGreaterThanOrEqual(0);
    // Each completed follow-up left a FOLLOW_UP contact behind.
    expect(await scalar(ds, `SELECT count(*) FROM interaction WHERE kind = 'FOLLOW_UP'`)).toBe(row.done);
    expect(await scalar(ds, `SELECT count(*) FROM follow_up WHERE owner !~ '^RM-[A-Z0-9]+-[1-3]$'`)).toBe(0);
  });

  it('is deterministic for a seed and different for another', async () => {
    const mine = await db.dataSource.query(HASH);
    const twin = await createTestDatabase();
    try {
      await seedDemoBank(twin.dataSource, { customers: CUSTOMERS, seed: 7, now: NOW, chunkSize: 150 });
      expect(await twin.dataSource.query(HASH)).toEqual(mine);
      await seedDemoBank(twin.dataSource, { customers: CUSTOMERS, seed: 8, now: NOW, replace: true });
      const other = await twin.dataSource.query(HASH);
      expect(other[0].i).not.toBe(mine[0].i);
      expect(other[0].f).not.toBe(mine[0].f);
    } finally {
      await twin.close();
    }
  });
});
