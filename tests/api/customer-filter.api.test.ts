import { createBranch, createCustomer } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

function yearsAgo(years: number, dayOffset = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + dayOffset);
  return d.toISOString().slice(0, 10);
}

describe('customers(filter:) profile filters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    const north = await createBranch(ds, 'BJ-01');
    const south = await createBranch(ds, 'GZ-01');
    // Ages straddle 30: one turns 30 today, one turns 30 tomorrow.
    await createCustomer(ds, { fullName: 'Ann', birthDate: yearsAgo(30), gender: 'FEMALE', city: 'Beijing', region: 'Beijing', incomeBand: 'LOW', interests: ['travel', 'music'], homeBranchId: north, occupation: 'nurse' });
    await createCustomer(ds, { fullName: 'Bo', birthDate: yearsAgo(30, 1), gender: 'MALE', city: 'Guangzhou', region: 'Guangdong', incomeBand: 'HIGH', interests: ['golf'], homeBranchId: south, occupation: 'engineer' });
    await createCustomer(ds, { fullName: 'Cai', birthDate: yearsAgo(70), gender: 'MALE', city: 'Shenzhen', region: 'Guangdong', incomeBand: 'MIDDLE', interests: [], homeBranchId: null, occupation: null });
    await createCustomer(ds, { fullName: 'Dee', birthDate: null, gender: null, city: null, region: null, interests: ['music'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function names(filter: unknown): Promise<string[]> {
    const res = await t.gql(`query ($f: CustomerFilter) { customers(first: 100, filter: $f, orderBy: { field: FULL_NAME }) { totalCount edges { node { fullName } } } }`, { f: filter });
    expect(res.body.errors).toBeUndefined();
    const list = res.body.data!.customers.edges.map((e: any) => e.node.fullName);
    expect(res.body.data!.customers.totalCount).toBe(list.length);
    return list;
  }

  it.each([
    [{}, ['Ann', 'Bo', 'Cai', 'Dee']],
    [{ age: { _gte: 30 } }, ['Ann', 'Cai']],
    [{ age: { _lt: 30 } }, ['Bo']],
    [{ age: { _eq: 29 } }, ['Bo']],
    [{ age: { _gt: 30 } }, ['Cai']],
    [{ age: { _lte: 30 } }, ['Ann', 'Bo']],
    [{ age: { _neq: 30 } }, ['Bo', 'Cai']],
    [{ age: { _in: [29, 70] } }, ['Bo', 'Cai']],
    [{ age: { _nin: [29, 70] } }, ['Ann']],
    [{ age: { _is_null: true } }, ['Dee']],
    [{ gender: { _eq: 'MALE' } }, ['Bo', 'Cai']],
    [{ gender: { _neq: 'MALE' } }, ['Ann', 'Dee']],
    [{ gender: { _in: ['FEMALE'] } }, ['Ann']],
    [{ gender: { _nin: ['FEMALE'] } }, ['Bo', 'Cai']],
    [{ incomeBand: { _in: ['LOW', 'MIDDLE'] } }, ['Ann', 'Cai']],
    [{ region: { _eq: 'Guangdong' } }, ['Bo', 'Cai']],
    [{ city: { _is_null: true } }, ['Dee']],
    [{ city: { _is_null: false } }, ['Ann', 'Bo', 'Cai']],
    [{ fullName: { _contains: 'a' } }, ['Ann', 'Cai']],
    [{ fullName: { _contains: '%' } }, []],
    [{ occupation: { _eq: 'nurse' } }, ['Ann']],
    [{ interests: { _contains: ['music'] } }, ['Ann', 'Dee']],
    [{ interests: { _contains: ['music', 'travel'] } }, ['Ann']],
    [{ interests: { _overlaps: ['golf', 'travel'] } }, ['Ann', 'Bo']],
    [{ interests: { _is_empty: true } }, ['Cai']],
    [{ homeBranch: { _eq: 'GZ-01' } }, ['Bo']],
    [{ homeBranch: { _is_null: true } }, ['Cai', 'Dee']],
    [{ _or: [{ city: { _eq: 'Beijing' } }, { age: { _gt: 60 } }] }, ['Ann', 'Cai']],
    [{ _and: [{ region: { _eq: 'Guangdong' } }, { _not: { gender: { _eq: 'MALE' } } }] }, []],
    [{ _not: { region: { _eq: 'Guangdong' } } }, ['Ann']],
    [{ _or: [] }, []],
    [{ _and: [] }, ['Ann', 'Bo', 'Cai', 'Dee']],
  ])('%j', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it('matches customers created in a window', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await names({ customerSince: { _gte: future } })).toEqual([]);
    expect(await names({ customerSince: { _lt: future } })).toHaveLength(4);
  });

  it('rejects an impossible age with the path of the offending operator', async () => {
    const res = await t.gql(`query ($f: CustomerFilter) { customers(filter: $f) { totalCount } }`, { f: { _or: [{ city: { _eq: 'x' } }, { age: { _gt: -5 } }] } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter._or[1].age._gt' });
  });

  it('rejects an unknown enum value as BAD_USER_INPUT', async () => {
    const res = await t.gql(`query ($f: CustomerFilter) { customers(filter: $f) { totalCount } }`, { f: { gender: { _eq: 'ROBOT' } } });
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });
});
