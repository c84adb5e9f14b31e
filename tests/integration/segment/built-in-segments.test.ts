import { DataSource } from 'typeorm';
import { BUILT_IN_SEGMENTS } from '../../../src/modules/segment/built-in-segments';
import { SegmentRefreshService } from '../../../src/modules/segment/segment-refresh.service';
import { SegmentRepository } from '../../../src/modules/segment/segment.repository';
import { createAccount, createCustomer, createPartner, createPurchase, createSession, createTransactions, enrolMobile } from '../../factories/bank.factory';
import { bornYearsBefore, createInteraction, createLoan, createStandingOrder, daysBefore } from '../../factories/segment.factory';
import { createTestDatabase, TestDatabase } from '../../helpers/test-database';

/**
 * Each built-in on hand-made customers sitting just inside and just outside its threshold, refreshed through
 * the same service the API and the CLI use.
 */
const NOW = new Date('2025-06-30T12:00:00.000Z');
const ago = (days: number, extraMs = 0) => daysBefore(NOW, days, extraMs);
const MINUTE = 60_000;

async function membersOf(ds: DataSource, key: string): Promise<Set<string>> {
  const rows: { id: string }[] = await ds.query(
    `SELECT m.customer_id AS id FROM segment_membership m JOIN segment s ON s.id = m.segment_id WHERE s.key = $1`,
    [key],
  );
  return new Set(rows.map((r) => r.id));
}

function expectSplit(members: Set<string>, inside: Record<string, string>, outside: Record<string, string>): void {
  const wrongIn = Object.entries(outside).filter(([, id]) => members.has(id)).map(([name]) => name);
  const wrongOut = Object.entries(inside).filter(([, id]) => !members.has(id)).map(([name]) => name);
  expect({ wronglyIn: wrongIn, wronglyOut: wrongOut }).toEqual({ wronglyIn: [], wronglyOut: [] });
}

describe('built-in segment head / long-tail: the top 5% by total balance', () => {
  let db: TestDatabase;
  const ids: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    // 40 customers holding 100.00, 200.00, ... 4000.00: the top 5% is the richest 2.
    for (let i = 1; i <= 40; i++) {
      const c = await createCustomer(db.dataSource, { fullName: `C${i}` });
      await createAccount(db.dataSource, c, { balance: `${i * 100}.00` });
      // A closed account does not count towards the total.
      if (i === 1) await createAccount(db.dataSource, c, { balance: '1000000.00', status: 'CLOSED' });
      ids.push(c);
    }
    await new SegmentRefreshService(new SegmentRepository(db.dataSource)).refreshAll({ now: NOW });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('puts the customers at or above the 95th percentile in head and everyone else in long-tail', async () => {
    const head = await membersOf(db.dataSource, 'head');
    const tail = await membersOf(db.dataSource, 'long-tail');
    // 39th richest: 38 of 40 hold less, exactly 95% (inside); 38th: 92.5% (outside).
    expectSplit(head, { c39: ids[38], c40: ids[39] }, { c38: ids[37], c1: ids[0] });
    expect(head.size).toBe(2);
    expect(tail.size).toBe(38);
    expect([...head].some((id) => tail.has(id))).toBe(false);
  });
});

describe('built-in segments on behaviour, holdings, mobile and age', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const c: Record<string, string> = {};

  async function customer(name: string, spec: Parameters<typeof createCustomer>[1] = {}): Promise<string> {
    c[name] = await createCustomer(ds, { fullName: name, ...spec });
    return c[name];
  }

  async function withAccount(name: string, spec: Parameters<typeof createAccount>[2] = {}): Promise<string> {
    return createAccount(ds, c[name], spec);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    const partner = await createPartner(ds, 'travelco');

    // dormant: an account that is not closed, nothing at all in (now - 180 days, now]
    await customer('dormantExactly180');
    await createTransactions(ds, c.dormantExactly180, await withAccount('dormantExactly180'), 1, () => ({ bookedAt: ago(180) }));
    await customer('sessionAMinuteInside');
    await withAccount('sessionAMinuteInside');
    await createSession(ds, c.sessionAMinuteInside, ago(180, MINUTE));
    await customer('dormantStatusAccountNeverActive');
    await withAccount('dormantStatusAccountNeverActive', { status: 'DORMANT' });
    await customer('onlyClosedAccount');
    await withAccount('onlyClosedAccount', { status: 'CLOSED' });
    await customer('noAccountSilent');
    await customer('purchaseInside');
    await withAccount('purchaseInside');
    await createPurchase(ds, c.purchaseInside, partner, ago(179));

    // churn-risk: events in the last 90 days < half of those in the 90 before
    await customer('churnQuarter');
    const cq = await withAccount('churnQuarter');
    await createTransactions(ds, c.churnQuarter, cq, 4, (i) => ({ bookedAt: ago(100 + i) }));
    await createTransactions(ds, c.churnQuarter, cq, 1, () => ({ bookedAt: ago(10) }));
    await customer('churnExactlyHalf');
    const ch = await withAccount('churnExactlyHalf');
    await createTransactions(ds, c.churnExactlyHalf, ch, 4, (i) => ({ bookedAt: ago(100 + i) }));
    await createTransactions(ds, c.churnExactlyHalf, ch, 1, () => ({ bookedAt: ago(10) }));
    await createSession(ds, c.churnExactlyHalf, ago(20));
    await customer('churnAllGone');
    await createSession(ds, c.churnAllGone, ago(179));
    await customer('churnNothingBefore');
    await createSession(ds, c.churnNothingBefore, ago(5));

    // mobile
    await customer('enrolledNotActivated');
    await enrolMobile(ds, c.enrolledNotActivated, ago(400), null);
    await customer('enrolledAndActivated');
    await enrolMobile(ds, c.enrolledAndActivated, ago(400), ago(399));
    await customer('enrolsTomorrow');
    await enrolMobile(ds, c.enrolsTomorrow, daysBefore(NOW, -1), null);

    // third-party-leakage: more than 30% of outgoing payments (by number) in 90 days to platforms
    await customer('leak4of10');
    const l4 = await withAccount('leak4of10');
    await createTransactions(ds, c.leak4of10, l4, 10, (i) => ({ bookedAt: ago(i + 1), amount: '-10.00', counterpartyKind: i < 4 ? 'THIRD_PARTY_PLATFORM' : 'MERCHANT' }));
    await customer('leak3of10');
    const l3 = await withAccount('leak3of10');
    await createTransactions(ds, c.leak3of10, l3, 10, (i) => ({ bookedAt: ago(i + 1), amount: '-10.00', counterpartyKind: i < 3 ? 'THIRD_PARTY_PLATFORM' : 'MERCHANT' }));
    // Platform credits are not outgoing payments.
    await createTransactions(ds, c.leak3of10, l3, 5, (i) => ({ bookedAt: ago(i + 1), amount: '30.00', counterpartyKind: 'THIRD_PARTY_PLATFORM' }));
    await customer('leakOld');
    const lo = await withAccount('leakOld');
    await createTransactions(ds, c.leakOld, lo, 5, () => ({ bookedAt: ago(90), amount: '-10.00', counterpartyKind: 'THIRD_PARTY_PLATFORM' }));
    await createTransactions(ds, c.leakOld, lo, 5, (i) => ({ bookedAt: ago(i + 1), amount: '-10.00', counterpartyKind: 'MERCHANT' }));

    // micro-loan-candidate: an income-like inflow in each 30-day period of the last 90, no loan, no arrears
    const salary = (name: string, account: string, days: number[]) =>
      createTransactions(ds, c[name], account, days.length, (i) => ({ bookedAt: ago(days[i]), amount: '4000.00', counterpartyKind: 'OTHER_BANK', channel: 'ONLINE' }));
    await customer('microRegular');
    await salary('microRegular', await withAccount('microRegular'), [5, 35, 90, 89.99]);
    await customer('microGap');
    await salary('microGap', await withAccount('microGap'), [5, 35, 90]);
    await customer('microWithLoan');
    await salary('microWithLoan', await withAccount('microWithLoan'), [5, 35, 65]);
    await createLoan(ds, c.microWithLoan, await withAccount('microWithLoan', { productType: 'LOAN', balance: '-3000.00' }), 'ACTIVE');
    await customer('microDefaultedClosed');
    await salary('microDefaultedClosed', await withAccount('microDefaultedClosed'), [5, 35, 65]);
    await createLoan(ds, c.microDefaultedClosed, await withAccount('microDefaultedClosed', { productType: 'LOAN', balance: '0.00', status: 'CLOSED' }), 'DEFAULTED');
    await customer('microRepaidClosed');
    await salary('microRepaidClosed', await withAccount('microRepaidClosed'), [5, 35, 65]);
    await createLoan(ds, c.microRepaidClosed, await withAccount('microRepaidClosed', { productType: 'LOAN', balance: '0.00', status: 'CLOSED' }), 'REPAID');
    // loan-elsewhere: loan instalments by standing order, and no loan here
    for (const name of ['microRegular', 'microWithLoan', 'microDefaultedClosed', 'microRepaidClosed']) {
      await createStandingOrder(ds, c[name], await withAccount(name), 'LOAN_REPAYMENT');
    }
    await customer('orderOnClosedAccount');
    await createStandingOrder(ds, c.orderOnClosedAccount, await withAccount('orderOnClosedAccount', { status: 'CLOSED' }), 'LOAN_REPAYMENT');
    await customer('orderForInsurance');
    await createStandingOrder(ds, c.orderForInsurance, await withAccount('orderForInsurance'), 'INSURANCE');
    await customer('microOnlyInterest');
    const mi = await withAccount('microOnlyInterest', { productType: 'SAVINGS' });
    await createTransactions(ds, c.microOnlyInterest, mi, 3, (i) => ({ bookedAt: ago(5 + 30 * i), amount: '3.50', counterpartyKind: 'INTEREST', channel: 'ONLINE' }));

    // young-co-brand-prospect: 18 to 30 with a partner purchase in the last 365 days
    const shopper = async (name: string, birthDate: string, purchaseDaysAgo: number) => {
      await customer(name, { birthDate });
      await createPurchase(ds, c[name], partner, ago(purchaseDaysAgo));
    };
    await shopper('age18Today', bornYearsBefore(NOW, 18), 364);
    await shopper('age18Tomorrow', bornYearsBefore(NOW, 18, 1), 10);
    await shopper('age30LastDay', bornYearsBefore(NOW, 31, 1), 10);
    await shopper('age31Today', bornYearsBefore(NOW, 31), 10);
    await shopper('age25PurchaseTooOld', bornYearsBefore(NOW, 25), 365);
    await customer('age25NoPurchase', { birthDate: bornYearsBefore(NOW, 25) });

    // no-contact-90d and over-contacted (more than 2 marketing contacts in 30 days)
    await customer('contactExactly90');
    await createInteraction(ds, c.contactExactly90, ago(90));
    await customer('contactAMinuteInside');
    await createInteraction(ds, c.contactAMinuteInside, ago(90, MINUTE), 'COMPLAINT', 'CALL_CENTRE');
    await customer('marketing3in30');
    for (const d of [1, 10, 29]) await createInteraction(ds, c.marketing3in30, ago(d), 'MARKETING_CONTACT', 'SMS');
    await customer('marketing2in30');
    for (const d of [1, 10, 30]) await createInteraction(ds, c.marketing2in30, ago(d), 'MARKETING_CONTACT', 'EMAIL');
    await customer('service3in30');
    for (const d of [1, 2, 3]) await createInteraction(ds, c.service3in30, ago(d), 'SERVICE_REQUEST');

    await new SegmentRefreshService(new SegmentRepository(ds)).refreshAll({ now: NOW });
  });
  afterAll(async () => {
    await db?.close();
  });

  const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, c[n]]));

  it('dormant: no activity of any kind in 180 days while holding an account that is not closed', async () => {
    expectSplit(
      await membersOf(ds, 'dormant'),
      pick('dormantExactly180', 'dormantStatusAccountNeverActive'),
      pick('sessionAMinuteInside', 'onlyClosedAccount', 'noAccountSilent', 'purchaseInside', 'churnQuarter'),
    );
  });

  it('churn-risk: the last 90 days had less than half the activity of the 90 before', async () => {
    expectSplit(await membersOf(ds, 'churn-risk'), pick('churnQuarter', 'churnAllGone'), pick('churnExactlyHalf', 'churnNothingBefore', 'noAccountSilent'));
  });

  it('mobile-inactive and not-mobile-enrolled', async () => {
    expectSplit(await membersOf(ds, 'mobile-inactive'), pick('enrolledNotActivated'), pick('enrolledAndActivated', 'enrolsTomorrow', 'noAccountSilent'));
    expectSplit(await membersOf(ds, 'not-mobile-enrolled'), pick('enrolsTomorrow', 'noAccountSilent'), pick('enrolledNotActivated', 'enrolledAndActivated'));
  });

  it('third-party-leakage: more than 30% of outgoing payments in 90 days went to platforms', async () => {
    expectSplit(await membersOf(ds, 'third-party-leakage'), pick('leak4of10'), pick('leak3of10', 'leakOld', 'noAccountSilent'));
  });

  it('micro-loan-candidate: regular income-like inflows, no loan, no arrears', async () => {
    expectSplit(
      await membersOf(ds, 'micro-loan-candidate'),
      pick('microRegular', 'microRepaidClosed'),
      pick('microGap', 'microWithLoan', 'microDefaultedClosed', 'microOnlyInterest', 'noAccountSilent'),
    );
  });

  it('loan-elsewhere: a running standing order for loan instalments, and never a loan here', async () => {
    expectSplit(
      await membersOf(ds, 'loan-elsewhere'),
      pick('microRegular'),
      pick('microWithLoan', 'microDefaultedClosed', 'microRepaidClosed', 'orderOnClosedAccount', 'orderForInsurance', 'noAccountSilent'),
    );
  });

  it('young-co-brand-prospect: aged 18 to 30 with a partner purchase in 365 days', async () => {
    expectSplit(
      await membersOf(ds, 'young-co-brand-prospect'),
      pick('age18Today', 'age30LastDay'),
      pick('age18Tomorrow', 'age31Today', 'age25PurchaseTooOld', 'age25NoPurchase'),
    );
  });

  it('no-contact-90d and over-contacted, from the service history', async () => {
    expectSplit(await membersOf(ds, 'no-contact-90d'), pick('contactExactly90', 'noAccountSilent'), pick('contactAMinuteInside', 'marketing2in30'));
    expectSplit(await membersOf(ds, 'over-contacted'), pick('marketing3in30'), pick('marketing2in30', 'service3in30', 'noAccountSilent'));
  });

  it('refreshes every built-in, each with its definition from code', async () => {
    const rows: { key: string; definition: unknown; refreshed_at: Date }[] = await ds.query(`SELECT key, definition, refreshed_at FROM segment WHERE built_in ORDER BY id`);
    expect(rows.map((r) => r.key)).toEqual(BUILT_IN_SEGMENTS.map((s) => s.key));
    for (const row of rows) {
      expect(row.definition).toEqual(BUILT_IN_SEGMENTS.find((s) => s.key === row.key)!.definition);
      expect(row.refreshed_at.toISOString()).toBe(NOW.toISOString());
    }
  });
});
