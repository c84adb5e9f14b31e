import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, TestDatabase, testDatabaseKind } from '../../helpers/test-database';
import { count, DATASETS, ingest, snapshot } from './helpers';

const BERKA = path.join(DATASETS, 'berka');
const present = existsSync(path.join(BERKA, 'client.asc'));
const describeIf = present ? describe : describe.skip;

describeIf(present ? `berka adapter on the PKDD'99 data (${testDatabaseKind()})` : `berka adapter: skipped, no dataset at ${BERKA}`, () => {
  let db: TestDatabase;
  let first: Awaited<ReturnType<typeof ingest>>;
  let seconds: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    const t0 = Date.now();
    first = await ingest(db, 'core-banking', [BERKA], { format: 'berka' });
    seconds = (Date.now() - t0) / 1000;
    process.stdout.write(`berka load on ${testDatabaseKind()}: ${seconds.toFixed(1)} s\n`);
  }, 600_000);
  afterAll(async () => {
    await db?.close();
  });

  it('loads every table with the documented counts and nothing rejected', async () => {
    expect(first.rejections.slice(0, 5)).toEqual([]);
    expect(first.rejected).toBe(0);
    expect(first.customersCreated).toBe(5369);
    expect(first.customersMerged).toBe(0);
    expect(await count(db, 'customer')).toBe(5369);
    expect(await count(db, `customer_source`, `source_system = 'core-banking'`)).toBe(5369);
    expect(await count(db, 'account')).toBe(4500);
    expect(await count(db, 'bank_transaction')).toBe(46997);
    expect(await count(db, 'loan')).toBe(682);
    expect(await count(db, 'card')).toBe(892);
    expect(await count(db, 'standing_order')).toBe(6471);
    expect(await count(db, 'ingest_pending')).toBe(0);
  });

  it('links owners and disponents to accounts, the owner being account.customer_id', async () => {
    expect(await count(db, 'account_holder', `role = 'OWNER'`)).toBe(4500);
    expect(await count(db, 'account_holder', `role = 'DISPONENT'`)).toBe(869);
    expect(await count(db, 'account_holder', `role = 'OWNER' AND customer_id <> holder_customer_id`)).toBe(0);
    // disp 1: client 1 owns account 1.
    const [row] = await db.dataSource.query(
      `SELECT cs.source_key AS client FROM account a JOIN customer_source cs ON cs.customer_id = a.customer_id WHERE a.source_key = '1'`,
    );
    expect(row.client).toBe('1');
  });

  it('gives each account its closing balance from trans.asc: of its last day, the balance with all of that day applied', async () => {
    // Every account with transactions (1 229 of them, up to 1994-03-30) gets one; the others keep 0.
    const [totals] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE balance <> 0)::int AS with_balance, count(*) FILTER (WHERE balance < 0)::int AS overdrawn, sum(balance)::text AS total FROM account`,
    );
    expect(totals).toEqual({ with_balance: 1229, overdrawn: 2, total: '39296720.10' });
    // Account 3510's last day (1994-03-29) has two rows: 51628.40 and, later in the file but booked earlier, 107528.40.
    const [a3510] = await db.dataSource.query(`SELECT balance FROM account WHERE source_key = '3510'`);
    expect(a3510.balance).toBe('51628.40');
    // The chosen balance is within the data's rounding noise of the running total of signed amounts.
    const [{ worst }] = await db.dataSource.query(
      `SELECT max(abs(a.balance - t.total))::text AS worst FROM account a JOIN (SELECT account_id, sum(amount) AS total FROM bank_transaction GROUP BY 1) t ON t.account_id = a.id`,
    );
    expect(Number(worst)).toBeLessThanOrEqual(0.7);
  });

  it('decodes gender and birth date from birth_number and place from district', async () => {
    // client 1: "706213" -> woman (62 - 50 = 12), 1970-12-13, district 18 (Pisek, south Bohemia).
    const [c] = await db.dataSource.query(
      `SELECT c.birth_date::text, c.gender, c.city, c.region, s.attributes FROM customer c JOIN customer_source s ON s.customer_id = c.id WHERE s.source_key = '1'`,
    );
    expect(c).toMatchObject({ birth_date: '1970-12-13', gender: 'FEMALE', city: 'Pisek', region: 'south Bohemia' });
    expect(c.attributes.sourceCodes).toEqual({ birthNumber: '706213', districtId: '18' });
    const [{ women }] = await db.dataSource.query(`SELECT count(*)::int AS women FROM customer WHERE gender = 'FEMALE'`);
    expect(women).toBeGreaterThan(2000);
    expect(women).toBeLessThan(3400);
  });

  it('maps Czech codes to the platform enums and keeps the originals', async () => {
    const [t] = await db.dataSource.query(`SELECT amount, currency, channel, counterparty_kind, source_codes FROM bank_transaction WHERE source_key = '695247'`);
    expect(t).toMatchObject({ amount: '700.00', currency: 'CZK', channel: 'BRANCH', counterparty_kind: 'CASH' });
    expect(t.source_codes).toMatchObject({ type: 'PRIJEM', operation: 'VKLAD' });
    const kinds = await db.dataSource.query(
      `SELECT source_codes->>'kSymbol' AS k, counterparty_kind, bool_and(amount < 0) AS debit, bool_and(amount > 0) AS credit, count(*)::int AS n
       FROM bank_transaction GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const byK = Object.fromEntries(kinds.map((k: { k: string | null; counterparty_kind: string }) => [k.k ?? '', k.counterparty_kind]));
    expect(byK).toMatchObject({ SLUZBY: 'BANK_FEE', UROK: 'INTEREST', 'SANKC. UROK': 'BANK_FEE', DUCHOD: 'GOVERNMENT', UVER: 'OWN_BANK' });
    // PRIJEM is a credit, VYDAJ and VYBER debits.
    const signs = await db.dataSource.query(
      `SELECT source_codes->>'type' AS type, bool_and(amount >= 0) AS all_credit, bool_and(amount <= 0) AS all_debit FROM bank_transaction GROUP BY 1 ORDER BY 1`,
    );
    expect(signs).toEqual([
      { type: 'PRIJEM', all_credit: true, all_debit: false },
      { type: 'VYBER', all_credit: false, all_debit: true },
      { type: 'VYDAJ', all_credit: false, all_debit: true },
    ]);
    expect(await count(db, 'bank_transaction', `source_codes->>'operation' = 'VYBER KARTOU' AND channel = 'ATM'`)).toBe(12);
    const loans = await db.dataSource.query(`SELECT status, source_codes->>'status' AS code, count(*)::int AS n FROM loan GROUP BY 1, 2 ORDER BY 2`);
    expect(loans).toEqual([
      { status: 'REPAID', code: 'A', n: 203 },
      { status: 'DEFAULTED', code: 'B', n: 31 },
      { status: 'ACTIVE', code: 'C', n: 403 },
      { status: 'IN_ARREARS', code: 'D', n: 45 },
    ]);
    const tiers = await db.dataSource.query(`SELECT tier, count(*)::int AS n FROM card GROUP BY 1 ORDER BY 1`);
    expect(tiers).toEqual([
      { tier: 'CLASSIC', n: 659 },
      { tier: 'GOLD', n: 88 },
      { tier: 'JUNIOR', n: 145 },
    ]);
    // order.asc: k_symbol says what a standing order pays; blank is OTHER.
    const purposes = await db.dataSource.query(`SELECT purpose, source_codes->>'kSymbol' AS code, count(*)::int AS n FROM standing_order GROUP BY 1, 2 ORDER BY 1`);
    expect(purposes).toEqual([
      { purpose: 'HOUSEHOLD_BILLS', code: 'SIPO', n: 3502 },
      { purpose: 'INSURANCE', code: 'POJISTNE', n: 532 },
      { purpose: 'LEASING', code: 'LEASING', n: 341 },
      { purpose: 'LOAN_REPAYMENT', code: 'UVER', n: 717 },
      { purpose: 'OTHER', code: null, n: 1379 },
    ]);
    // order 29401: account 1 pays 2452.00 CZK of household bills to account 87144583 at bank YZ.
    const [order] = await db.dataSource.query(
      `SELECT a.source_key AS account, o.amount, o.currency, o.purpose, o.recipient_bank, o.recipient_account
       FROM standing_order o JOIN account a ON a.customer_id = o.customer_id AND a.id = o.account_id WHERE o.source_key = '29401'`,
    );
    expect(order).toEqual({ account: '1', amount: '2452.00', currency: 'CZK', purpose: 'HOUSEHOLD_BILLS', recipient_bank: 'YZ', recipient_account: '87144583' });
    const [{ first_day }] = await db.dataSource.query(`SELECT min(booked_at)::date::text AS first_day FROM bank_transaction`);
    expect(first_day).toBe('1993-01-01');
  });

  it('changes nothing on a second run: every record unchanged', async () => {
    const again = await ingest(db, 'core-banking', [BERKA], { format: 'berka' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, rejected: 0, pending: 0, customersCreated: 0, customersMerged: 0 });
    expect(again.unchanged).toBe(again.read);
    expect(again.read).toBe(first.read);
  }, 600_000);

  it('ends with the same tables through --bulk, which a second bulk run leaves unchanged', async () => {
    const bulkDb = await createTestDatabase();
    try {
      const bulk = await ingest(bulkDb, 'core-banking', [BERKA], { format: 'berka', bulk: true });
      expect(bulk).toMatchObject({ read: first.read, rejected: 0, customersCreated: 5369, rebuilt: ['bank_transaction'] });
      const [a, b] = [await snapshot(db), await snapshot(bulkDb)];
      expect(b.bank_transaction).toHaveLength(46997);
      for (const table of Object.keys(a)) expect([table, b[table]]).toEqual([table, a[table]]);
      const again = await ingest(bulkDb, 'core-banking', [BERKA], { format: 'berka', bulk: true });
      expect(again).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: first.read });
    } finally {
      await bulkDb.close();
    }
  }, 600_000);
});
