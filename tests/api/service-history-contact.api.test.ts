import { createCustomer } from '../factories/bank.factory';
import { createInteraction, daysAgo } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';
import { SqlParams } from '../../src/database/sql';
import { DEFAULT_CONTACT_POLICY } from '../../src/modules/service-history/contact-policy';
import { noContactWithinDaysSql, overContactedSql } from '../../src/modules/service-history/contact-filter.sql';

const gid = (id: string) => Buffer.from(`Customer:${id}`).toString('base64url');

const PRESSURE = `
  query($id: ID!) { customer(id: $id) { contactPressure {
    marketingContacts30d marketingContacts90d daysSinceLastContact lastContactAt overContacted
    sms: canContact(channel: SMS) { allowed reason message allowedFrom }
    email: canContact(channel: EMAIL) { allowed reason }
  } } }`;

describe('contact pressure and the contact policy (defaults: 2 per 30 days, 1 per channel per 7 days, 3 quiet days)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const marketing = (c: string, days: number, channel: string) => createInteraction(ds, c, { occurredAt: daysAgo(days), channel, kind: 'MARKETING_CONTACT' });

    // Complained yesterday after a busy quarter; served at the branch half a day ago.
    ids.complained = await createCustomer(ds, { fullName: 'Complained' });
    await marketing(ids.complained, 5, 'SMS');
    await marketing(ids.complained, 20, 'EMAIL');
    await marketing(ids.complained, 40, 'SMS');
    await marketing(ids.complained, 100, 'EMAIL');
    await createInteraction(ds, ids.complained, { occurredAt: daysAgo(1), channel: 'CALL_CENTRE', kind: 'COMPLAINT' });
    await createInteraction(ds, ids.complained, { occurredAt: daysAgo(0.5), channel: 'BRANCH', kind: 'SERVICE_REQUEST' });

    // Marketed to by two teams and then some: three in 30 days.
    ids.overContacted = await createCustomer(ds, { fullName: 'Over-contacted' });
    await marketing(ids.overContacted, 2.5, 'SMS');
    await marketing(ids.overContacted, 3.5, 'EMAIL');
    await marketing(ids.overContacted, 10.5, 'SMS');

    ids.never = await createCustomer(ds, { fullName: 'Never contacted' });

    // One e-mail ten days ago: both channels are open again.
    ids.quiet = await createCustomer(ds, { fullName: 'Quiet' });
    await marketing(ids.quiet, 10, 'EMAIL');
    // A scheduled contact in the future counts for nothing yet.
    await createInteraction(ds, ids.quiet, { occurredAt: daysAgo(-3), channel: 'SMS', kind: 'MARKETING_CONTACT' });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function pressure(name: string) {
    const { body } = await t.gql(PRESSURE, { id: gid(ids[name]) });
    expect(body.errors).toBeUndefined();
    return body.data!.customer.contactPressure;
  }

  it('counts marketing contacts in 30 and 90 days and days since any contact', async () => {
    const p = await pressure('complained');
    expect(p).toMatchObject({ marketingContacts30d: 2, marketingContacts90d: 3, daysSinceLastContact: 0, overContacted: false });
    // Refused on every channel for 2 more days because of yesterday's complaint; also at the 30-day limit.
    expect(p.sms).toMatchObject({ allowed: false, reason: 'COMPLAINT_QUIET_PERIOD' });
    expect(p.email).toMatchObject({ allowed: false, reason: 'COMPLAINT_QUIET_PERIOD' });
    // The limit clears last: the e-mail 20 days ago ages out in 10 days.
    expect(new Date(p.sms.allowedFrom).getTime()).toBeCloseTo(Date.now() + 10 * 86_400_000, -4);
  });

  it('flags a customer above the limit as over-contacted and refuses more', async () => {
    const p = await pressure('overContacted');
    expect(p).toMatchObject({ marketingContacts30d: 3, marketingContacts90d: 3, daysSinceLastContact: 2, overContacted: true });
    expect(p.email).toMatchObject({ allowed: false, reason: 'MARKETING_LIMIT_REACHED' });
  });

  it('gives an empty but well-formed answer for a customer never contacted', async () => {
    expect(await pressure('never')).toEqual({
      marketingContacts30d: 0,
      marketingContacts90d: 0,
      daysSinceLastContact: null,
      lastContactAt: null,
      overContacted: false,
      sms: { allowed: true, reason: 'WITHIN_POLICY', message: 'no contact rule blocks this contact', allowedFrom: null },
      email: { allowed: true, reason: 'WITHIN_POLICY' },
    });
  });

  it('ignores future-dated contacts and reopens a channel after 7 days', async () => {
    const p = await pressure('quiet');
    expect(p).toMatchObject({ marketingContacts30d: 1, daysSinceLastContact: 10, sms: { allowed: true }, email: { allowed: true } });
  });

  it('answers canContact(customerId, channel) at the top level, NOT_FOUND for nobody', async () => {
    const { body } = await t.gql(`query($id: ID!) { canContact(customerId: $id, channel: SMS) { allowed reason } }`, { id: gid(ids.overContacted) });
    expect(body.data!.canContact).toEqual({ allowed: false, reason: 'MARKETING_LIMIT_REACHED' });
    const missing = await t.gql(`query($id: ID!) { canContact(customerId: $id, channel: SMS) { allowed } }`, { id: gid('424242') });
    expect(missing.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('provides the same definitions as SQL conditions for the filter language', async () => {
    const matching = async (condition: (params: SqlParams) => string) => {
      const params = new SqlParams();
      const sql = condition(params);
      const rows = await t.db.dataSource.query(`SELECT c.full_name AS name FROM customer c WHERE ${sql} ORDER BY c.id`, params.values);
      return rows.map((r: { name: string }) => r.name);
    };
    expect(await matching((p) => noContactWithinDaysSql('c.id', 90, p))).toEqual(['Never contacted']);
    expect(await matching((p) => noContactWithinDaysSql('c.id', 7, p))).toEqual(['Never contacted', 'Quiet']);
    expect(await matching((p) => noContactWithinDaysSql('c.id', 0, p))).toEqual(['Complained', 'Over-contacted', 'Never contacted', 'Quiet']);
    expect(await matching((p) => overContactedSql('c.id', DEFAULT_CONTACT_POLICY, p))).toEqual(['Over-contacted']);
    expect(await matching((p) => overContactedSql('c.id', { ...DEFAULT_CONTACT_POLICY, maxMarketingContacts: 1 }, p))).toEqual(['Complained', 'Over-contacted']);
    expect(() => noContactWithinDaysSql('c.id', -1, new SqlParams(), { field: 'filter.noContactWithinDays' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'filter.noContactWithinDays' } }),
    );
  });
  it('joins the filter language as overContacted, with the same definition', async () => {
    const names = async (filter: Record<string, unknown>) => {
      const { body } = await t.gql(`query($filter: CustomerFilter) { customers(filter: $filter) { edges { node { fullName } } } }`, { filter });
      expect(body.errors).toBeUndefined();
      return body.data!.customers.edges.map((e: any) => e.node.fullName);
    };
    expect(await names({ overContacted: true })).toEqual(['Over-contacted']);
    expect(await names({ overContacted: false })).toEqual(['Complained', 'Never contacted', 'Quiet']);
    // No contact in 7 days and not over-contacted: the quiet ones worth a call.
    expect(await names({ overContacted: false, daysSinceLastContact: { _gte: 7 } })).toEqual(['Quiet']);
    const { body } = await t.gql(`{ customers(filter: { overContacted: null }) { totalCount } }`);
    expect(body.data!.customers.totalCount).toBe(4);
  });
});
