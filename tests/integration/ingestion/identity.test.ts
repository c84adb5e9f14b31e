import { DomainException, ErrorCode } from '../../../src/common/errors';
import { IngestionService } from '../../../src/ingestion/ingestion.service';
import { createTestDatabase, TestDatabase } from '../../helpers/test-database';
import { count } from './helpers';

/** (table, source_key) -> customer id, for every customer-owned table. */
async function ownership(db: TestDatabase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of ['customer_source', 'account', 'bank_transaction', 'loan', 'card', 'mobile_enrolment', 'mobile_session', 'partner_purchase', 'customer_identifier']) {
    const col = t === 'customer_identifier' ? `source_system || '/' || record_type || '/' || source_key || '/' || kind` : `source_system || '/' || source_key`;
    const rows = await db.dataSource.query(`SELECT ${col} AS k, customer_id::text AS c FROM ${t}`);
    for (const r of rows) out[`${t}:${r.k}`] = r.c;
  }
  const holders = await db.dataSource.query(`SELECT source_key AS k, customer_id::text || '/' || holder_customer_id::text AS c FROM account_holder`);
  for (const r of holders) out[`account_holder:${r.k}`] = r.c;
  return out;
}

async function customers(db: TestDatabase) {
  return db.dataSource.query(
    `SELECT id::text, full_name, birth_date::text, gender, city, region, email, phone, created_at FROM customer ORDER BY id`,
  );
}

describe('identity resolution: match rules, merge, unmerge', () => {
  let db: TestDatabase;
  let service: IngestionService;
  beforeAll(async () => {
    db = await createTestDatabase();
    service = new IngestionService(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  const customerOf = async (system: string, key: string) =>
    (await db.dataSource.query(`SELECT customer_id::text AS id FROM customer_source WHERE source_system = $1 AND source_key = $2`, [system, key]))[0]?.id;

  it('loads two separate bank customers, then links mobile records to them', async () => {
    const core = await service.ingestRecords('core-banking', [
      { type: 'customer', key: 'C1', fullName: 'Zhao Lei', nationalId: '110101198001010011', birthDate: '1980-01-01', city: 'Beijing' },
      { type: 'customer', key: 'C2', fullName: 'Zhao Lei', phone: '13911112222', birthDate: '1980-01-01', city: 'Tianjin' },
      { type: 'account', key: 'A1', customerKey: 'C1', productType: 'CURRENT', openedAt: '2015-01-01' },
      { type: 'account', key: 'A2', customerKey: 'C2', productType: 'SAVINGS', openedAt: '2016-01-01' },
      { type: 'account_holder', key: 'H1', accountKey: 'A1', customerKey: 'C1', role: 'OWNER' },
      { type: 'account_holder', key: 'H2', accountKey: 'A1', customerKey: 'C2', role: 'DISPONENT' },
      { type: 'account_holder', key: 'H3', accountKey: 'A2', customerKey: 'C2', role: 'OWNER' },
      { type: 'transaction', key: 'T1', accountKey: 'A1', bookedAt: '2024-01-01', amount: '10.00', channel: 'POS', counterpartyKind: 'MERCHANT' },
      { type: 'transaction', key: 'T2', accountKey: 'A2', bookedAt: '2024-01-02', amount: '-20.00', channel: 'ATM', counterpartyKind: 'CASH' },
      { type: 'loan', key: 'L2', accountKey: 'A2', principal: '1000.00', termMonths: 12, status: 'ACTIVE', grantedAt: '2020-01-01' },
      { type: 'card', key: 'K2', accountKey: 'A2', cardNumber: '5500 0000 0000 0004', cardType: 'DEBIT', issuedAt: '2020-01-01' },
    ]);
    expect(core.rejections).toEqual([]);
    expect(core.customersCreated).toBe(2);
    const mobile = await service.ingestRecords('mobile-banking', [
      { type: 'customer', key: 'M2', fullName: 'Lei Zhao', phone: '+86 139 1111 2222', birthDate: '1980-01-01', email: 'lei@example.cn' },
      { type: 'enrolment', key: 'E2', customerKey: 'M2', enrolledAt: '2021-01-01T10:00:00Z' },
      { type: 'session', key: 'S2', customerKey: 'M2', startedAt: '2024-02-01T10:00:00Z', durationSeconds: 60 },
    ]);
    expect(mobile.rejections).toEqual([]);
    expect(mobile.customersCreated).toBe(0);
    expect(await customerOf('mobile-banking', 'M2')).toBe(await customerOf('core-banking', 'C2'));
    const [src] = await db.dataSource.query(`SELECT match_rule, first_seen_at <= last_seen_at AS ordered FROM customer_source WHERE source_key = 'M2'`);
    expect(src).toEqual({ match_rule: 'PHONE_AND_BIRTH_DATE', ordered: true });
    expect(await count(db, 'customer')).toBe(2);
  });

  let mergeId: string;
  let before: Record<string, string>;
  let customersBefore: unknown[];

  it('merges two customers when one record links both, the older surviving, and records the merge', async () => {
    before = await ownership(db);
    customersBefore = await customers(db);
    const c1 = await customerOf('core-banking', 'C1');
    const c2 = await customerOf('core-banking', 'C2');
    // A partner customer with C1's national ID and C2's phone + birth date proves they are one person.
    const r = await service.ingestRecords(
      'partner',
      [{ type: 'customer', key: 'P1', nationalId: '110101198001010011', phone: '13911112222', birthDate: '1980-01-01', fullName: 'Z. Lei' }],
      { partnerCode: 'jd' },
    );
    expect(r).toMatchObject({ customersMerged: 1, customersCreated: 0, inserted: 1 });
    expect(await count(db, 'customer')).toBe(1);
    const survivor = BigInt(c1) < BigInt(c2) ? c1 : c2;
    for (const [what, owner] of Object.entries(await ownership(db))) {
      if (what.startsWith('account_holder:')) expect(owner).toBe(`${survivor}/${survivor}`);
      else expect([what, owner]).toEqual([what, survivor]);
    }
    const [merge] = await db.dataSource.query(`SELECT id::text, customer_id::text, merged_customer_id::text, match_rule, trigger_source_key FROM customer_merge`);
    expect(merge).toMatchObject({ customer_id: survivor, merged_customer_id: survivor === c1 ? c2 : c1, trigger_source_key: 'P1' });
    expect(['NATIONAL_ID', 'PHONE_AND_BIRTH_DATE']).toContain(merge.match_rule);
    mergeId = merge.id;
    // Profile: core banking wins; C1 and C2 disagree on city, the more recently seen one is kept, both stay in provenance.
    const [c] = await db.dataSource.query(`SELECT full_name, email FROM customer`);
    expect(c).toEqual({ full_name: 'Zhao Lei', email: 'lei@example.cn' });
    const cities = await db.dataSource.query(`SELECT attributes->>'city' AS city FROM customer_source WHERE attributes ? 'city' ORDER BY 1`);
    expect(cities.map((x: { city: string }) => x.city)).toEqual(['Beijing', 'Tianjin']);
  });

  it('unmerges exactly: every row back with its customer, the customer back with its id and profile', async () => {
    const result = await service.unmergeCustomer(mergeId);
    expect(await count(db, 'customer')).toBe(2);
    const now = await customers(db);
    const restored = now.find((c: { id: string }) => c.id === result.restoredCustomerId);
    expect(restored).toEqual(customersBefore.find((c) => (c as { id: string }).id === result.restoredCustomerId));
    // The survivor keeps the trigger record P1, whose phone fills a field the survivor had empty; nothing else changes.
    const survivorBefore = customersBefore.find((c) => (c as { id: string }).id === result.survivorId) as Record<string, unknown>;
    const survivorNow = now.find((c: { id: string }) => c.id === result.survivorId);
    expect({ ...survivorNow, phone: survivorBefore.phone }).toEqual(survivorBefore);
    expect(survivorNow.phone).toBe('+8613911112222');
    const after = await ownership(db);
    for (const [what, owner] of Object.entries(before)) expect([what, after[what]]).toEqual([what, owner]);
    // The trigger record stays with the survivor.
    expect(await customerOf('partner:jd', 'P1')).toBe(result.survivorId);
    const [m] = await db.dataSource.query(`SELECT unmerged_at IS NOT NULL AS undone FROM customer_merge WHERE id = $1`, [mergeId]);
    expect(m.undone).toBe(true);
  });

  it('does not merge the pair again when the linking record comes back, and refuses a second unmerge', async () => {
    const r = await service.ingestRecords(
      'partner',
      [{ type: 'customer', key: 'P1', nationalId: '110101198001010011', phone: '13911112222', birthDate: '1980-01-01', fullName: 'Zhao L.' }],
      { partnerCode: 'jd' },
    );
    expect(r).toMatchObject({ customersMerged: 0, updated: 1 });
    expect(await count(db, 'customer')).toBe(2);
    await expect(service.unmergeCustomer(mergeId)).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    await expect(service.unmergeCustomer('999999')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('merges by card: a card number already held by another customer links its holder', async () => {
    const r = await service.ingestRecords('core-banking', [
      { type: 'customer', key: 'C3', fullName: 'Qian Yu' },
      { type: 'account', key: 'A3', customerKey: 'C3', productType: 'CURRENT', openedAt: '2022-01-01' },
      { type: 'card', key: 'K3', accountKey: 'A3', cardNumber: '5500000000000004', cardType: 'DEBIT', issuedAt: '2022-01-02' },
    ]);
    expect(r).toMatchObject({ customersCreated: 1, customersMerged: 1 });
    expect(await customerOf('core-banking', 'C3')).toBe(await customerOf('core-banking', 'C2'));
    const [m] = await db.dataSource.query(`SELECT match_rule FROM customer_merge WHERE unmerged_at IS NULL`);
    expect(m.match_rule).toBe('CARD');
  });

  it('takes at most 1 000 records per API call', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ type: 'customer', key: `X${i}` }));
    const error = await service.ingestRecords('core-banking', many).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainException);
    expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { field: 'records' } });
  });
});
