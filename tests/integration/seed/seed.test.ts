import { DataSource } from 'typeorm';
import { SEED_TABLES, SeedSummary, SeedTable, seedDemoBank } from '../../../seeds/demo-bank.seed';
import { DomainException, ErrorCode } from '../../../src/common/errors';
import { createTestDatabase, TestDatabase, testDatabaseKind } from '../../helpers/test-database';

const CUSTOMERS = 300;
const SEED = 20260630;
const NOW = new Date('2026-06-30T00:00:00Z');

const ORDER_BY: Record<SeedTable, string> = {
  branch: 'code',
  partner: 'code',
  customer: 'id',
  customer_source: 'customer_id, id',
  customer_identifier: 'customer_id, id',
  account: 'customer_id, id',
  bank_transaction: 'customer_id, id',
  loan: 'customer_id, id',
  card: 'customer_id, id',
  standing_order: 'customer_id, id',
  mobile_enrolment: 'customer_id, id',
  mobile_session: 'customer_id, id',
  partner_purchase: 'customer_id, id',
};

const INDEXES = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`;

async function contentHashes(ds: DataSource): Promise<Record<SeedTable, string>> {
  const hashes = {} as Record<SeedTable, string>;
  for (const table of SEED_TABLES) {
    const [{ hash }] = await ds.query(`SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY ${ORDER_BY[table]}), '')) AS hash FROM ${table} t`);
    hashes[table] = hash;
  }
  return hashes;
}

async function scalar<T = number>(ds: DataSource, sql: string, params: unknown[] = []): Promise<T> {
  const rows = await ds.query(sql, params);
  return Object.values(rows[0])[0] as T;
}

describe(`seedDemoBank (${testDatabaseKind()})`, () => {
  let db: TestDatabase;
  let twin: TestDatabase;
  let summary: SeedSummary;
  let twinSummary: SeedSummary | undefined;
  let ds: DataSource;

  beforeAll(async () => {
    [db, twin] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    ds = db.dataSource;
    summary = await seedDemoBank(ds, { customers: CUSTOMERS, seed: SEED, now: NOW });
  });
  afterAll(async () => {
    await Promise.all([db?.close(), twin?.close()]);
  });

  it('reports the rows it wrote, and they are all there', async () => {
    expect(summary.customers).toBe(CUSTOMERS);
    expect(summary.method).toBe(testDatabaseKind() === 'postgres' ? 'copy' : 'insert');
    expect(summary.now).toBe(NOW.toISOString());
    for (const table of SEED_TABLES) {
      expect({ table, n: await scalar(ds, `SELECT count(*)::int FROM ${table}`) }).toEqual({ table, n: summary.counts[table] });
    }
    expect(summary.counts.branch).toBeGreaterThanOrEqual(18);
    expect(summary.counts.customer_source).toBe(CUSTOMERS);
  });

  it('is deterministic: same seed and N give the same bank, whatever the write method or chunk size', async () => {
    // On PostgreSQL this also proves the COPY and INSERT paths write identical content.
    await seedDemoBank(twin.dataSource, { customers: CUSTOMERS, seed: SEED, now: NOW, method: 'insert', chunkSize: 70 });
    expect(await contentHashes(twin.dataSource)).toEqual(await contentHashes(ds));
  });

  it('leaves the same indexes behind whichever way it wrote (COPY drops and rebuilds the plain ones)', async () => {
    const mine: { indexname: string }[] = await ds.query(INDEXES);
    expect(mine.map((i) => i.indexname)).toEqual(expect.arrayContaining(['bank_transaction_customer_booked_idx', 'customer_interests_idx']));
    expect(await twin.dataSource.query(INDEXES)).toEqual(mine);
  });

  it('gives a different bank for a different seed (replace empties the customer tables, keeps reference data)', async () => {
    // Stands for API keys and the audit log: rows that hang off reference data must survive a replace.
    await twin.dataSource.query(`CREATE TABLE seed_test_keep (partner_id bigint NOT NULL REFERENCES partner(id))`);
    await twin.dataSource.query(`INSERT INTO seed_test_keep SELECT id FROM partner WHERE code = 'shopmall'`);
    twinSummary = await seedDemoBank(twin.dataSource, { customers: CUSTOMERS, seed: SEED + 1, now: NOW, replace: true });
    expect(await scalar(twin.dataSource, 'SELECT count(*)::int FROM seed_test_keep')).toBe(1);
    const [mine, theirs] = [await contentHashes(ds), await contentHashes(twin.dataSource)];
    expect(theirs.branch).toBe(mine.branch);
    expect(theirs.partner).toBe(mine.partner);
    for (const table of ['customer', 'account', 'bank_transaction', 'mobile_session', 'partner_purchase'] as const) {
      expect({ table, same: theirs[table] === mine[table] }).toEqual({ table, same: false });
    }
    expect(await scalar(twin.dataSource, 'SELECT count(*)::int FROM customer')).toBe(CUSTOMERS);
  });

  it('refuses to seed a database that already has customers, and leaves it untouched', async () => {
    const before = await contentHashes(ds);
    const attempt = seedDemoBank(ds, { customers: 10, seed: 1, now: NOW });
    await expect(attempt).rejects.toBeInstanceOf(DomainException);
    await expect(attempt).rejects.toMatchObject({ code: ErrorCode.CONFLICT, message: expect.stringMatching(/already has customers.*replace/) });
    expect(await contentHashes(ds)).toEqual(before);
  });

  it('rejects a bad customer count', async () => {
    await expect(seedDemoBank(ds, { customers: 0 })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { field: 'customers' } });
  });

  it('averages about 3 accounts and 30 transactions per customer, a current account for everyone', async () => {
    const accountsPerCustomer = summary.counts.account / CUSTOMERS;
    const transactionsPerCustomer = summary.counts.bank_transaction / CUSTOMERS;
    expect(accountsPerCustomer).toBeGreaterThan(2.6);
    expect(accountsPerCustomer).toBeLessThan(3.4);
    expect(transactionsPerCustomer).toBeGreaterThan(22);
    expect(transactionsPerCustomer).toBeLessThan(38);
    expect(await scalar(ds, `SELECT count(DISTINCT customer_id)::int FROM account WHERE product_type = 'CURRENT'`)).toBe(CUSTOMERS);
    const types: { product_type: string }[] = await ds.query('SELECT DISTINCT product_type FROM account ORDER BY 1');
    expect(types.map((t) => t.product_type)).toEqual(['CREDIT_CARD', 'CURRENT', 'FUND', 'LOAN', 'SAVINGS', 'TIME_DEPOSIT']);
    expect(await scalar(ds, `SELECT count(*)::int FROM account WHERE status = 'CLOSED' AND closed_at IS NOT NULL`)).toBeGreaterThan(0);
    expect(await scalar(ds, `SELECT count(*)::int FROM account WHERE (status = 'CLOSED') <> (closed_at IS NOT NULL)`)).toBe(0);
    expect(await scalar(ds, `SELECT count(*)::int FROM account WHERE product_type = 'CREDIT_CARD' AND credit_limit IS NULL`)).toBe(0);
  });

  it('resolves every foreign key, and children fit their parents', async () => {
    const orphans = await ds.query(`
      SELECT
        (SELECT count(*) FROM customer c LEFT JOIN branch b ON b.id = c.home_branch_id WHERE b.id IS NULL)::int AS customer_branch,
        (SELECT count(*) FROM customer_source s LEFT JOIN customer c ON c.id = s.customer_id WHERE c.id IS NULL)::int AS source_customer,
        (SELECT count(*) FROM account a LEFT JOIN customer c ON c.id = a.customer_id WHERE c.id IS NULL)::int AS account_customer,
        (SELECT count(*) FROM bank_transaction t LEFT JOIN account a ON (a.customer_id, a.id) = (t.customer_id, t.account_id) WHERE a.id IS NULL)::int AS tx_account,
        (SELECT count(*) FROM loan l LEFT JOIN account a ON (a.customer_id, a.id) = (l.customer_id, l.account_id) AND a.product_type = 'LOAN' WHERE a.id IS NULL)::int AS loan_account,
        (SELECT count(*) FROM card k LEFT JOIN account a ON (a.customer_id, a.id) = (k.customer_id, k.account_id)
           AND a.product_type = CASE k.card_type WHEN 'DEBIT' THEN 'CURRENT' ELSE 'CREDIT_CARD' END WHERE a.id IS NULL)::int AS card_account,
        (SELECT count(*) FROM card k LEFT JOIN partner p ON p.id = k.partner_id
           WHERE (k.card_type = 'CO_BRANDED') <> (p.co_branded_product IS NOT NULL))::int AS card_partner,
        (SELECT count(*) FROM mobile_enrolment e LEFT JOIN customer c ON c.id = e.customer_id WHERE c.id IS NULL)::int AS enrolment_customer,
        (SELECT count(*) FROM mobile_session s LEFT JOIN mobile_enrolment e ON e.customer_id = s.customer_id
           WHERE e.activated_at IS NULL OR s.started_at < e.activated_at)::int AS session_enrolment,
        (SELECT count(*) FROM partner_purchase pp LEFT JOIN partner p ON p.id = pp.partner_id LEFT JOIN customer c ON c.id = pp.customer_id
           WHERE p.id IS NULL OR c.id IS NULL)::int AS purchase_parents,
        (SELECT count(*) FROM bank_transaction t JOIN account a ON (a.customer_id, a.id) = (t.customer_id, t.account_id)
           WHERE t.booked_at < a.opened_at OR t.booked_at >= coalesce(a.closed_at, 'infinity'))::int AS tx_outside_account_life`);
    expect(orphans[0]).toEqual({
      customer_branch: 0,
      source_customer: 0,
      account_customer: 0,
      tx_account: 0,
      loan_account: 0,
      card_account: 0,
      card_partner: 0,
      enrolment_customer: 0,
      session_enrolment: 0,
      purchase_parents: 0,
      tx_outside_account_life: 0,
    });
    expect(await scalar(ds, `SELECT count(*)::int FROM card WHERE card_type = 'CO_BRANDED'`)).toBeGreaterThan(0);
  });

  it('keeps every timestamp in the past of `now` and customers between 18 and 85', async () => {
    const [row] = await ds.query(
      `SELECT
         (SELECT max(booked_at) FROM bank_transaction) <= $1::timestamptz AS tx,
         (SELECT max(started_at) FROM mobile_session) <= $1::timestamptz AS sessions,
         (SELECT max(purchased_at) FROM partner_purchase) <= $1::timestamptz AS purchases,
         (SELECT max(created_at) FROM customer) <= $1::timestamptz AS customers,
         (SELECT min(created_at) FROM customer) >= $1::timestamptz - interval '8 years 1 day' AS since,
         (SELECT bool_and(birth_date BETWEEN ($1::timestamptz - interval '86 years')::date AND ($1::timestamptz - interval '18 years')::date) FROM customer) AS ages`,
      [NOW.toISOString()],
    );
    expect(row).toEqual({ tx: true, sessions: true, purchases: true, customers: true, since: true, ages: true });
  });

  it('writes E.164 phones, lower-case e-mails and CIF source keys', async () => {
    expect(await scalar(ds, `SELECT count(*)::int FROM customer WHERE phone !~ '^\\+861[3-9][0-9]{9}$'`)).toBe(0);
    expect(await scalar(ds, `SELECT count(*)::int FROM customer WHERE email <> lower(email) OR email !~ '^[a-z0-9.]+@[a-z0-9.]+$'`)).toBe(0);
    expect(await scalar(ds, `SELECT count(*)::int FROM customer_source WHERE source_system = 'core-banking' AND source_key ~ '^CIF-[0-9]{7}$' AND match_rule = 'NEW_CUSTOMER'`)).toBe(CUSTOMERS);
  });

  it('has a long tail: the top 5% hold a large share of deposits and the median sits far below the mean', async () => {
    const [row] = await ds.query(`
      WITH per_customer AS (
        SELECT c.id, coalesce(sum(a.balance) FILTER (WHERE a.product_type IN ('CURRENT', 'SAVINGS', 'TIME_DEPOSIT', 'FUND')), 0) AS deposits
        FROM customer c LEFT JOIN account a ON a.customer_id = c.id GROUP BY c.id
      ), ranked AS (
        SELECT deposits, row_number() OVER (ORDER BY deposits DESC) AS rank, count(*) OVER () AS n FROM per_customer
      )
      SELECT (sum(deposits) FILTER (WHERE rank <= n * 0.05) / sum(deposits))::float AS top_share,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY deposits)::float AS median,
             avg(deposits)::float AS mean
      FROM ranked`);
    expect(row.top_share).toBeGreaterThan(0.4);
    expect(row.median).toBeLessThan(row.mean / 2);
    // Most customers are small: income is skewed to the low bands.
    const low = await scalar(ds, `SELECT avg((income_band IN ('LOW', 'LOWER_MIDDLE'))::int)::float FROM customer`);
    expect(low).toBeGreaterThan(0.55);
  });

  it('routes a share of payments through Alipay and WeChat Pay, more for the young', async () => {
    const rows: { young: boolean; share: number }[] = await ds.query(
      `SELECT age($1::date, c.birth_date) < interval '35 years' AS young,
              avg((t.counterparty_kind = 'THIRD_PARTY_PLATFORM')::int)::float AS share
       FROM bank_transaction t JOIN customer c ON c.id = t.customer_id GROUP BY 1`,
      [NOW.toISOString().slice(0, 10)],
    );
    const share = Object.fromEntries(rows.map((r) => [String(r.young), r.share]));
    expect(share.true).toBeGreaterThan(share.false);
    expect(share.false).toBeGreaterThan(0);
    const names: { counterparty_name: string }[] = await ds.query(
      `SELECT DISTINCT counterparty_name FROM bank_transaction WHERE counterparty_kind = 'THIRD_PARTY_PLATFORM' ORDER BY 1`,
    );
    expect(names.map((n) => n.counterparty_name)).toEqual(['Alipay', 'WeChat Pay']);
    expect(await scalar(ds, `SELECT count(*)::int FROM bank_transaction WHERE counterparty_kind = 'MERCHANT' AND merchant_category_code !~ '^[0-9]{4}$'`)).toBe(0);
    expect(await scalar(ds, `SELECT count(*)::int FROM bank_transaction WHERE amount > 0`)).toBeGreaterThan(0);
    expect(await scalar(ds, `SELECT count(*)::int FROM bank_transaction WHERE amount < 0`)).toBeGreaterThan(0);
  });

  it('enrols about 60% in mobile banking, some never activated, and sessions only for the activated', async () => {
    const enrolled = summary.counts.mobile_enrolment / CUSTOMERS;
    expect(enrolled).toBeGreaterThan(0.48);
    expect(enrolled).toBeLessThan(0.72);
    const never = await scalar(ds, `SELECT count(*)::int FROM mobile_enrolment WHERE activated_at IS NULL`);
    expect(never).toBeGreaterThan(0);
    expect(never / summary.counts.mobile_enrolment).toBeLessThan(0.3);
    expect(summary.counts.mobile_session).toBeGreaterThan(0);
    const shoppers = await scalar(ds, `SELECT count(DISTINCT customer_id)::int FROM partner_purchase`);
    expect(shoppers / CUSTOMERS).toBeGreaterThan(0.22);
    expect(shoppers / CUSTOMERS).toBeLessThan(0.5);
  });

  it('has dormant customers: no transactions, sessions or purchases in the last 365 days', async () => {
    const dormant = await scalar(
      ds,
      `SELECT count(*)::int FROM customer c
       WHERE NOT EXISTS (SELECT 1 FROM bank_transaction t WHERE t.customer_id = c.id AND t.booked_at > $1::timestamptz - interval '365 days')
         AND NOT EXISTS (SELECT 1 FROM mobile_session s WHERE s.customer_id = c.id AND s.started_at > $1::timestamptz - interval '365 days')
         AND NOT EXISTS (SELECT 1 FROM partner_purchase p WHERE p.customer_id = c.id AND p.purchased_at > $1::timestamptz - interval '365 days')`,
      [NOW.toISOString()],
    );
    expect(dormant).toBeGreaterThan(CUSTOMERS * 0.04);
    expect(dormant).toBeLessThan(CUSTOMERS * 0.3);
    expect(await scalar(ds, `SELECT count(*)::int FROM account WHERE status = 'DORMANT'`)).toBeGreaterThan(0);
  });

  it('moves the identity sequences past the explicit ids', async () => {
    // On the twin (reseeded by replace above), so the main bank stays as seeded.
    const target = twin.dataSource;
    const counts = (twinSummary as SeedSummary).counts;
    const [customer] = await target.query(`INSERT INTO customer (full_name) VALUES ('After Seed') RETURNING id`);
    expect(Number(customer.id)).toBe(CUSTOMERS + 1);
    const [account] = await target.query(
      `INSERT INTO account (customer_id, source_system, source_key, product_type, opened_at) VALUES ($1, 'test', 'after-seed', 'CURRENT', now()) RETURNING id`,
      [customer.id],
    );
    expect(Number(account.id)).toBe(counts.account + 1);
    const [tx] = await target.query(
      `INSERT INTO bank_transaction (customer_id, account_id, source_system, source_key, booked_at, amount, channel, counterparty_kind)
       VALUES ($1, $2, 'test', 'after-seed', now(), 1, 'ATM', 'CASH') RETURNING id`,
      [customer.id, account.id],
    );
    expect(Number(tx.id)).toBe(counts.bank_transaction + 1);
  });

  it('rolls everything back when it fails part-way, the truncation of replace included', async () => {
    const target = twin.dataSource;
    const [before, indexes] = [await contentHashes(target), await target.query(INDEXES)];
    const crash = (done: number) => {
      if (done >= 100) throw new Error('crash mid-seed');
    };
    await expect(seedDemoBank(target, { customers: 200, seed: 5, now: NOW, replace: true, chunkSize: 50, onProgress: crash })).rejects.toThrow('crash mid-seed');
    expect(await contentHashes(target)).toEqual(before);
    expect(await target.query(INDEXES)).toEqual(indexes);
  });
});
