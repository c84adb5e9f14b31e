import { createCustomer } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';
import { createServiceHistoryRepositories, createServiceHistoryServices } from '../../src/modules/service-history/service-history.context';

const RECORD = `
  mutation Record($input: RecordInteractionInput!) {
    recordInteraction(input: $input) {
      id occurredAt channel kind outcome staffRef productType note sourceSystem sourceKey
      branch { code }
      customer { fullName }
    }
  }`;

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

describe('recordInteraction and recordInteractions', () => {
  let t: TestApp;
  let customer: string;
  let customerLocal: string;
  let branch: string;
  let branchLocal: string;

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    [{ id: branchLocal }] = await ds.query(`INSERT INTO branch (code, name) VALUES ('CD01', 'Chengdu Jinjiang') RETURNING id`);
    branch = gid('Branch', branchLocal);
    customerLocal = await createCustomer(ds, { fullName: 'Wang Fang', source: { system: 'core-banking', key: 'CIF-0042' } });
    customer = gid('Customer', customerLocal);
  });
  afterAll(async () => {
    await t?.close();
  });

  const input = (extra: Record<string, unknown> = {}) => ({
    customerId: customer,
    occurredAt: '2024-05-06T02:30:00Z',
    channel: 'BRANCH',
    kind: 'ADVICE',
    outcome: 'INFORMATION_GIVEN',
    branchId: branch,
    staffRef: 'E100',
    productType: 'FUND',
    note: 'Asked about index funds',
    ...extra,
  });

  async function count(where = 'TRUE'): Promise<number> {
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM interaction WHERE ${where}`);
    return n;
  }

  it('records an interaction and returns it with its branch and customer', async () => {
    const { body } = await t.gql(RECORD, { input: input() });
    expect(body.errors).toBeUndefined();
    expect(body.data!.recordInteraction).toMatchObject({
      occurredAt: '2024-05-06T02:30:00.000Z',
      channel: 'BRANCH',
      kind: 'ADVICE',
      outcome: 'INFORMATION_GIVEN',
      staffRef: 'E100',
      productType: 'FUND',
      note: 'Asked about index funds',
      sourceSystem: 'fattail-api',
      branch: { code: 'CD01' },
      customer: { fullName: 'Wang Fang' },
    });
    // Without a source key each call is a new interaction.
    await t.gql(RECORD, { input: input() });
    expect(await count(`source_system = 'fattail-api'`)).toBe(2);
  });

  it('is idempotent with a source key: a retry changes nothing, a correction updates in place', async () => {
    const keyed = input({ sourceSystem: 'call-centre', sourceKey: 'CC-77', channel: 'CALL_CENTRE', kind: 'COMPLAINT', outcome: 'PENDING' });
    const first = await t.gql(RECORD, { input: keyed });
    const retry = await t.gql(RECORD, { input: keyed });
    expect(retry.body.data!.recordInteraction.id).toBe(first.body.data!.recordInteraction.id);
    expect(await count(`source_system = 'call-centre'`)).toBe(1);
    const corrected = await t.gql(RECORD, { input: { ...keyed, outcome: 'RESOLVED' } });
    expect(corrected.body.data!.recordInteraction).toMatchObject({ id: first.body.data!.recordInteraction.id, outcome: 'RESOLVED' });
    expect(await count(`source_system = 'call-centre'`)).toBe(1);
  });

  it('answers bad input with BAD_USER_INPUT naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [input({ note: 'x'.repeat(2001) }), 'note'],
      [input({ occurredAt: '2999-01-01T00:00:00Z' }), 'occurredAt'],
      [input({ customerId: 'nonsense' }), 'customerId'],
      [input({ customerId: branch }), 'customerId'],
      [input({ branchId: gid('Branch', '999999') }), 'branchId'],
      [input({ sourceSystem: 'crm', sourceKey: null }), 'sourceKey'],
      [input({ staffRef: 'E'.repeat(101) }), 'staffRef'],
    ];
    for (const [bad, field] of cases) {
      const { body } = await t.gql(RECORD, { input: bad });
      expect({ field, extensions: body.errors?.[0].extensions }).toEqual({ field, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) });
    }
    const enumError = await t.gql(RECORD, { input: input({ channel: 'FAX' }) });
    expect(enumError.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for an unknown customer and CONFLICT for a source key of another customer', async () => {
    const missing = await t.gql(RECORD, { input: input({ customerId: gid('Customer', '987654') }) });
    expect(missing.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const other = await createCustomer(t.db.dataSource, { fullName: 'Other' });
    const taken = await t.gql(RECORD, { input: input({ customerId: gid('Customer', other), sourceSystem: 'call-centre', sourceKey: 'CC-77' }) });
    expect(taken.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'sourceKey' });
  });

  it('ingests a batch set-based: counts inserts, updates and unchanged rows, rejects bad records by field', async () => {
    const repos = createServiceHistoryRepositories(t.db.dataSource);
    const { serviceHistory } = createServiceHistoryServices(repos, () => new Date('2024-07-01T00:00:00Z'));
    const records = [
      { sourceSystem: 'crm', sourceKey: 'CRM-1', customerKey: 'CIF-0042', occurredAt: '2024-03-01T10:00:00+08:00', channel: 'CALL_CENTRE', kind: 'SERVICE_REQUEST', outcome: 'RESOLVED' },
      { sourceSystem: 'crm', sourceKey: 'CRM-2', customerId: customerLocal, occurredAt: '2024-03-02T10:00:00Z', channel: 'EMAIL', kind: 'MARKETING_CONTACT', branchCode: 'CD01' },
      { sourceSystem: 'crm', sourceKey: 'CRM-3', customerKey: 'CIF-9999', occurredAt: '2024-03-03T10:00:00Z', channel: 'SMS', kind: 'MARKETING_CONTACT' },
      { sourceSystem: 'crm', sourceKey: 'CRM-4', customerKey: 'CIF-0042', occurredAt: '2024-03-04T10:00:00Z', channel: 'BRANCH', kind: 'SALE', branchCode: 'XX99' },
      { sourceSystem: 'crm', sourceKey: 'CRM-5', customerKey: 'CIF-0042', occurredAt: 'yesterday', channel: 'BRANCH', kind: 'SALE' },
      { sourceSystem: 'crm', sourceKey: 'CRM-1', customerKey: 'CIF-0042', occurredAt: '2024-03-01T10:00:00+08:00', channel: 'CALL_CENTRE', kind: 'SERVICE_REQUEST' },
    ];
    const first = await serviceHistory.recordInteractions(records);
    expect(first).toEqual({
      read: 6,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [
        { index: 2, sourceKey: 'CRM-3', field: 'customerKey', reason: 'no customer core-banking/CIF-9999' },
        { index: 3, sourceKey: 'CRM-4', field: 'branchCode', reason: 'no branch XX99' },
        { index: 4, sourceKey: 'CRM-5', field: 'occurredAt', reason: expect.stringMatching(/ISO 8601/) },
        { index: 5, sourceKey: 'CRM-1', field: 'sourceKey', reason: 'repeats the source key of record 0' },
      ],
    });
    const [row] = await t.db.dataSource.query(`SELECT occurred_at, branch_id FROM interaction WHERE source_key = 'CRM-2'`);
    expect(row.branch_id).toBe(branchLocal);

    // Re-sending the file changes nothing; a corrected record updates its row.
    const again = await serviceHistory.recordInteractions(records.slice(0, 2));
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: [] });
    const fixed = await serviceHistory.recordInteractions([{ ...records[0], outcome: 'ESCALATED' }, records[1]]);
    expect(fixed).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await count(`source_system = 'crm'`)).toBe(2);
    const [{ occurred_at }] = await t.db.dataSource.query(`SELECT occurred_at FROM interaction WHERE source_key = 'CRM-1'`);
    expect(occurred_at.toISOString()).toBe('2024-03-01T02:00:00.000Z');
  });
});
