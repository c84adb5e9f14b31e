import path from 'node:path';
import { createTestDatabase, TestDatabase } from '../../helpers/test-database';
import { count, EXAMPLES, ingest, snapshot } from './helpers';

describe('ingestion of the documented examples (examples/ingest)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  const ex = (name: string) => path.join(EXAMPLES, name);

  it('loads core banking from NDJSON and CSV', async () => {
    const nd = await ingest(db, 'core-banking', [ex('core-banking.ndjson')]);
    expect(nd.rejections).toEqual([]);
    expect(nd).toMatchObject({ read: 11, inserted: 11, updated: 0, unchanged: 0, rejected: 0, customersCreated: 2, customersMerged: 0 });
    const csv = await ingest(db, 'core-banking', [ex('core-banking.csv')]);
    expect(csv.rejections).toEqual([]);
    expect(csv).toMatchObject({ read: 4, inserted: 4, rejected: 0, customersCreated: 1 });

    const [wang] = await db.dataSource.query(`SELECT c.* FROM customer c JOIN customer_source s ON s.customer_id = c.id WHERE s.source_key = 'C001'`);
    expect(wang).toMatchObject({ full_name: 'Wang Fang', phone: '+8613800138000', email: 'wang.fang@example.com', gender: 'FEMALE', income_band: 'MIDDLE' });
    const [card] = await db.dataSource.query(`SELECT last_four, card_type, tier FROM card WHERE source_key = 'K001'`);
    expect(card).toEqual({ last_four: '1111', card_type: 'DEBIT', tier: 'GOLD' });
    // No clear card number or national ID anywhere: only keyed hashes.
    const dump = JSON.stringify(await snapshot(db));
    expect(dump).not.toContain('4111111111111111');
    expect(dump).not.toContain('110105198503140026');
    expect(await count(db, 'customer_identifier', `kind = 'CARD'`)).toBe(1);
    expect(await count(db, 'account_holder')).toBe(2);
    const [{ amount, currency }] = await db.dataSource.query(`SELECT amount, currency FROM bank_transaction WHERE source_key = 'T102'`);
    expect([amount, currency]).toEqual(['-120.00', 'CNY']);
    // A standing order without a currency takes its account's.
    const [order] = await db.dataSource.query(`SELECT amount, currency, purpose, recipient_bank, recipient_account FROM standing_order WHERE source_key = 'O001'`);
    expect(order).toEqual({ amount: '268.00', currency: 'CNY', purpose: 'HOUSEHOLD_BILLS', recipient_bank: 'ICBC', recipient_account: '6222020200012345678' });
  });

  it('links the mobile customer to core banking by national ID and keeps both sources as provenance', async () => {
    const r = await ingest(db, 'mobile-banking', [ex('mobile-banking.ndjson'), ex('mobile-banking.csv')]);
    expect(r.rejections).toEqual([]);
    expect(r).toMatchObject({ read: 6, inserted: 6, customersCreated: 1, customersMerged: 0 });
    const sources = await db.dataSource.query(
      `SELECT s2.source_system, s2.source_key, s2.match_rule, s2.attributes FROM customer_source s1
       JOIN customer_source s2 ON s2.customer_id = s1.customer_id WHERE s1.source_key = 'C001' ORDER BY 1`,
    );
    expect(sources.map((s: { source_key: string; match_rule: string }) => [s.source_key, s.match_rule])).toEqual([
      ['C001', 'NEW_CUSTOMER'],
      ['M-9001', 'NATIONAL_ID'],
    ]);
    // Core banking outranks mobile banking: the mobile spelling stays only in its provenance row.
    expect(sources[1].attributes.fullName).toBe('WANG Fang');
    const [c] = await db.dataSource.query(`SELECT full_name FROM customer c JOIN customer_source s ON s.customer_id = c.id WHERE s.source_key = 'M-9001'`);
    expect(c.full_name).toBe('Wang Fang');
    const [{ features_used }] = await db.dataSource.query(`SELECT features_used FROM mobile_session WHERE source_key = 'S-2'`);
    expect(features_used).toEqual(['balance', 'bill-pay']);
  });

  it('links a partner customer by phone and birth date, and creates customers for unknown partner references', async () => {
    const r = await ingest(db, 'partner', [ex('partner.ndjson'), ex('partner.csv')], { partnerCode: 'tmall' });
    expect(r.rejections).toEqual([]);
    expect(r).toMatchObject({ read: 5, inserted: 5, customersCreated: 2 });
    const [link] = await db.dataSource.query(
      `SELECT s2.match_rule FROM customer_source s1 JOIN customer_source s2 ON s2.customer_id = s1.customer_id
       WHERE s1.source_key = 'C002' AND s2.source_system = 'partner:tmall'`,
    );
    expect(link.match_rule).toBe('PHONE_AND_BIRTH_DATE');
    const [partner] = await db.dataSource.query(`SELECT code, industry FROM partner WHERE code = 'tmall'`);
    expect(partner).toEqual({ code: 'tmall', industry: 'unspecified' });
  });

  it('changes nothing when every example is loaded again', async () => {
    const before = await snapshot(db);
    const runs = [
      await ingest(db, 'core-banking', [ex('core-banking.ndjson'), ex('core-banking.csv')]),
      await ingest(db, 'mobile-banking', [ex('mobile-banking.ndjson'), ex('mobile-banking.csv')]),
      await ingest(db, 'partner', [ex('partner.ndjson'), ex('partner.csv')], { partnerCode: 'tmall' }),
    ];
    for (const r of runs) {
      expect(r).toMatchObject({ inserted: 0, updated: 0, rejected: 0, pending: 0, customersCreated: 0, customersMerged: 0 });
      expect(r.unchanged).toBe(r.read);
    }
    expect(await snapshot(db)).toEqual(before);
  });
});
