import { createTestApp, TestApp } from '../helpers/test-app';

const INGEST = `mutation ($input: IngestRecordsInput!) { ingestRecords(input: $input) {
  read inserted updated unchanged rejected customersCreated customersMerged rejections { line type key field reason } } }`;

describe('ingestRecords and unmergeCustomer over GraphQL', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    admin = await t.createKey('ADMIN');
  });
  afterAll(async () => {
    await t?.close();
  });

  const ingest = (source: string, records: unknown[], key = admin, partner?: string) => t.gql(INGEST, { input: { source, partner, records } }, key);

  it('loads a batch, counts it, and changes nothing when the same batch comes again', async () => {
    const records = [
      { type: 'customer', key: 'C-1', fullName: 'Zhou Min', birthDate: '1990-02-03', nationalId: '110105199002030011' },
      { type: 'account', key: 'A-1', customerKey: 'C-1', productType: 'SAVINGS', openedAt: '2020-01-01', balance: '100.00' },
      { type: 'account', key: 'A-bad', customerKey: 'C-1', productType: 'GOLD_BARS', openedAt: '2020-01-01' },
    ];
    const first = await ingest('CORE_BANKING', records);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.ingestRecords).toMatchObject({ read: 3, inserted: 2, rejected: 1, customersCreated: 1 });
    expect(first.body.data!.ingestRecords.rejections).toEqual([expect.objectContaining({ line: 3, key: 'A-bad', field: 'productType' })]);
    const again = await ingest('CORE_BANKING', records.slice(0, 2));
    expect(again.body.data!.ingestRecords).toMatchObject({ read: 2, inserted: 0, updated: 0, unchanged: 2, customersCreated: 0 });
    const found = await t.gql(`{ customerBySource(system: "core-banking", key: "C-1") { fullName accounts { totalCount } } }`, undefined, admin);
    expect(found.body.data!.customerBySource).toEqual({ fullName: 'Zhou Min', accounts: { totalCount: 1 } });
  });

  it('merges two customers a new record links, and unmergeCustomer splits them back', async () => {
    await ingest('CORE_BANKING', [{ type: 'customer', key: 'C-2', fullName: 'Guo Jing', birthDate: '1985-05-05', nationalId: '110105198505050022' }]);
    await ingest('MOBILE_BANKING', [{ type: 'customer', key: 'M-2', fullName: 'Guo Jing', birthDate: '1985-05-05', phone: '13900001111' }]);
    const bridge = await ingest('PARTNER', [{ type: 'customer', key: 'P-2', nationalId: '110105198505050022', phone: '+8613900001111', birthDate: '1985-05-05' }], admin, 'shopmall');
    expect(bridge.body.data!.ingestRecords.customersMerged).toBe(1);
    const merged = await t.gql(`{ customerBySource(system: "mobile-banking", key: "M-2") { id sources { system key } merges { id matchRule } } }`, undefined, admin);
    const customer = merged.body.data!.customerBySource;
    expect(customer.sources.map((s: any) => s.system).sort()).toEqual(['core-banking', 'mobile-banking', 'partner:shopmall']);
    expect(customer.merges).toHaveLength(1);
    const undone = await t.gql(`mutation ($id: ID!) { unmergeCustomer(mergeId: $id) { survivor { id } restored { id } } }`, { id: customer.merges[0].id }, admin);
    expect(undone.body.errors).toBeUndefined();
    const { survivor, restored } = undone.body.data!.unmergeCustomer;
    expect(survivor.id).not.toBe(restored.id);
    const core = await t.gql(`{ customerBySource(system: "core-banking", key: "C-2") { id } }`, undefined, admin);
    const mobile = await t.gql(`{ customerBySource(system: "mobile-banking", key: "M-2") { id } }`, undefined, admin);
    expect(core.body.data!.customerBySource.id).not.toBe(mobile.body.data!.customerBySource.id);
  });

  it('refuses more than 1 000 records, and non-admin keys', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ type: 'customer', key: `X-${i}`, fullName: 'x' }));
    const tooMany = await ingest('CORE_BANKING', many);
    expect(tooMany.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'records' });
    const analyst = await t.createKey('ANALYST');
    const denied = await ingest('CORE_BANKING', [{ type: 'customer', key: 'C-9', fullName: 'No' }], analyst);
    expect(denied.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'ingestRecords' });
  });
});
