import { DataSource } from 'typeorm';
import { createAccount, createCustomer } from '../factories/bank.factory';
import { createInteraction, createTransaction } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const gid = (id: string) => Buffer.from(`Customer:${id}`).toString('base64url');

/** Segment rows as a refresh would leave them (the segment module's tables, written directly). */
async function segment(ds: DataSource, key: string, name: string): Promise<string> {
  const [row] = await ds.query(`INSERT INTO segment (key, name, definition) VALUES ($1, $2, '{}') RETURNING id`, [key, name]);
  return row.id;
}

async function refresh(ds: DataSource, asOf: string): Promise<string> {
  const [row] = await ds.query(`INSERT INTO segment_refresh (as_of, finished_at) VALUES ($1, $1) RETURNING id`, [asOf]);
  return row.id;
}

async function transition(ds: DataSource, customerId: string, segmentId: string, kind: 'ENTER' | 'EXIT', at: string, refreshId: string) {
  await ds.query(`INSERT INTO segment_transition (customer_id, segment_id, kind, at, refresh_id) VALUES ($1, $2, $3, $4, $5)`, [customerId, segmentId, kind, at, refreshId]);
  if (kind === 'ENTER') {
    await ds.query(`INSERT INTO segment_membership (customer_id, segment_id, since, refresh_id) VALUES ($1, $2, $3, $4)`, [customerId, segmentId, at, refreshId]);
  } else {
    await ds.query(`DELETE FROM segment_membership WHERE customer_id = $1 AND segment_id = $2`, [customerId, segmentId]);
  }
}

describe('segments in the service history and in payment channel stats', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const vip = await segment(ds, 'test-vip', 'Test VIP');
    const leak = await segment(ds, 'test-leakage', 'Test leakage');
    ids.a = await createCustomer(ds, { fullName: 'A' });
    ids.b = await createCustomer(ds, { fullName: 'B' });
    const r1 = await refresh(ds, '2024-01-01T00:00:00Z');
    const r2 = await refresh(ds, '2024-03-01T00:00:00Z');
    await transition(ds, ids.a, vip, 'ENTER', '2024-01-01T00:00:00Z', r1);
    await transition(ds, ids.a, leak, 'ENTER', '2024-01-01T00:00:00Z', r1);
    await transition(ds, ids.b, leak, 'ENTER', '2024-01-01T00:00:00Z', r1);
    await transition(ds, ids.a, vip, 'EXIT', '2024-03-01T00:00:00Z', r2);
    await createInteraction(ds, ids.a, { occurredAt: '2024-02-01T00:00:00Z', channel: 'BRANCH', kind: 'ADVICE' });

    const pay = async (c: string, bookedAt: string, amount: string, kind: string, name: string | null = null) => {
      const account = await createAccount(ds, c, { openedAt: '2020-01-01T00:00:00Z' });
      await createTransaction(ds, c, account, { bookedAt, amount, counterpartyKind: kind, counterpartyName: name });
    };
    await pay(ids.a, '2024-06-10T00:00:00Z', '-300.00', 'OWN_BANK');
    await pay(ids.a, '2024-06-11T00:00:00Z', '-100.00', 'THIRD_PARTY_PLATFORM', 'Alipay');
    await pay(ids.b, '2024-06-12T00:00:00Z', '-100.00', 'THIRD_PARTY_PLATFORM', 'WeChat Pay');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('puts segment entries and exits on the timeline, in order with the rest', async () => {
    const { body } = await t.gql(
      `query($id: ID!) { customer(id: $id) { serviceHistory(first: 10, order: ASC, from: "2023-06-01T00:00:00Z") { totalCount edges { node {
         __typename kind summary ... on SegmentEnteredEvent { segmentKey segmentName } ... on SegmentExitedEvent { segmentKey }
      } } } } }`,
      { id: gid(ids.a) },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.customer.serviceHistory.edges.map((e: any) => e.node);
    // Same instant, same kind: the lower transition id (VIP, written first) comes first in ascending order.
    expect(nodes).toEqual([
      { __typename: 'SegmentEnteredEvent', kind: 'SEGMENT_ENTERED', summary: 'Entered the segment "Test VIP"', segmentKey: 'test-vip', segmentName: 'Test VIP' },
      { __typename: 'SegmentEnteredEvent', kind: 'SEGMENT_ENTERED', summary: 'Entered the segment "Test leakage"', segmentKey: 'test-leakage', segmentName: 'Test leakage' },
      { __typename: 'InteractionEvent', kind: 'ADVICE', summary: 'Advice via branch' },
      { __typename: 'SegmentExitedEvent', kind: 'SEGMENT_EXITED', summary: 'Left the segment "Test VIP"', segmentKey: 'test-vip' },
    ]);
    const exits = await t.gql(`query($id: ID!) { customer(id: $id) { serviceHistory(kinds: [SEGMENT_EXITED]) { totalCount } } }`, { id: gid(ids.a) });
    expect(exits.body.data!.customer.serviceHistory.totalCount).toBe(1);
  });

  it('groups payment channels by current segment membership', async () => {
    const { body } = await t.gql(
      `{ paymentChannelStats(groupBy: SEGMENT, withinDays: 30, asOf: "2024-06-30T00:00:00Z") {
         key customers platformCustomers channels { totalOutgoing thirdPartyShare channels { label amount } } } }`,
    );
    expect(body.errors).toBeUndefined();
    // A left test-vip in March, so only test-leakage (A and B) has members; built-in segments have none here.
    expect(body.data!.paymentChannelStats).toEqual([
      {
        key: 'test-leakage',
        customers: 2,
        platformCustomers: 2,
        channels: {
          totalOutgoing: '500.00',
          thirdPartyShare: '0.4000',
          channels: [
            { label: 'Own bank', amount: '300.00' },
            { label: 'Alipay', amount: '100.00' },
            { label: 'WeChat Pay', amount: '100.00' },
          ],
        },
      },
    ]);
  });
});
