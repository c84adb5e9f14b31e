import { createCustomer } from '../factories/bank.factory';
import { daysAgo } from '../factories/service-history.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

const CREATE = `
  mutation Create($customerId: ID!, $dueAt: DateTime!, $reason: String!, $owner: String!, $branchId: ID) {
    createFollowUp(customerId: $customerId, dueAt: $dueAt, reason: $reason, owner: $owner, branchId: $branchId) {
      id dueAt reason owner status overdue completedAt outcome branch { code } customer { fullName }
    }
  }`;
const COMPLETE = `
  mutation Complete($id: ID!, $outcome: String!, $channel: InteractionChannel) {
    completeFollowUp(id: $id, outcome: $outcome, channel: $channel) { id status overdue completedAt outcome }
  }`;
const WORK_LIST = `
  query WorkList($owner: String, $status: [FollowUpStatus!], $dueBefore: DateTime, $first: Int, $after: String) {
    followUps(owner: $owner, status: $status, dueBefore: $dueBefore, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { reason owner status customer { fullName } } }
    }
  }`;
const COUNTS = `query Counts($owner: String) { overdueFollowUpCounts(owner: $owner) { branch { code } open overdue } }`;

describe('follow-ups: lifecycle, work lists and overdue counts', () => {
  let t: TestApp;
  const customers: Record<string, string> = {};
  const branches: Record<string, string> = {};
  const ids: Record<string, string> = {};

  async function create(name: string, customer: string, dueInDays: number, owner: string, branch?: string) {
    const { body } = await t.gql(CREATE, {
      customerId: customers[customer],
      dueAt: daysAgo(-dueInDays),
      reason: name,
      owner,
      branchId: branch ? branches[branch] : null,
    });
    expect(body.errors).toBeUndefined();
    ids[name] = body.data!.createFollowUp.id;
    return body.data!.createFollowUp;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.db.dataSource;
    for (const code of ['CD01', 'SH01']) {
      const [row] = await ds.query(`INSERT INTO branch (code, name) VALUES ($1, $1) RETURNING id`, [code]);
      branches[code] = gid('Branch', row.id);
    }
    const local = (code: string) => Buffer.from(branches[code], 'base64url').toString().split(':')[1];
    customers.chen = gid('Customer', await createCustomer(ds, { fullName: 'Chen Jing', homeBranchId: local('CD01') }));
    customers.zhou = gid('Customer', await createCustomer(ds, { fullName: 'Zhou Min', homeBranchId: local('SH01') }));
    customers.xu = gid('Customer', await createCustomer(ds, { fullName: 'Xu Lei', homeBranchId: null }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates follow-ups at the home branch by default; past-due ones are overdue at once', async () => {
    expect(await create('f1', 'chen', -2, 'RM-1')).toMatchObject({ status: 'OVERDUE', overdue: true, branch: { code: 'CD01' }, customer: { fullName: 'Chen Jing' } });
    expect(await create('f2', 'chen', 3, 'RM-1')).toMatchObject({ status: 'OPEN', overdue: false, completedAt: null, outcome: null });
    await create('f3', 'zhou', -1, 'RM-2');
    await create('f4', 'zhou', -5, 'RM-1');
    expect(await create('f5', 'xu', -3, 'RM-2')).toMatchObject({ branch: null });
    expect(await create('f6', 'chen', 10, 'RM-2', 'SH01')).toMatchObject({ branch: { code: 'SH01' } });
    await create('f7', 'zhou', -4, 'RM-2');
  });

  it('refuses bad input by field and unknown customers', async () => {
    const base = { customerId: customers.chen, dueAt: daysAgo(-1), reason: 'Call', owner: 'RM-1' };
    const empty = await t.gql(CREATE, { ...base, reason: '' });
    expect(empty.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const blank = await t.gql(CREATE, { ...base, owner: '   ' });
    expect(blank.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'owner' });
    const badBranch = await t.gql(CREATE, { ...base, branchId: gid('Branch', '4242') });
    expect(badBranch.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'branchId' });
    const missing = await t.gql(CREATE, { ...base, customerId: gid('Customer', '4242') });
    expect(missing.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('completes a follow-up once, recording the contact when a channel is given', async () => {
    const { body } = await t.gql(COMPLETE, { id: ids.f4, outcome: 'Customer renewed the deposit', channel: 'CALL_CENTRE' });
    expect(body.errors).toBeUndefined();
    expect(body.data!.completeFollowUp).toMatchObject({ status: 'COMPLETED', overdue: false, outcome: 'Customer renewed the deposit' });
    const again = await t.gql(COMPLETE, { id: ids.f4, outcome: 'again' });
    expect(again.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    const unknown = await t.gql(COMPLETE, { id: gid('FollowUp', '1.999999'), outcome: 'x' });
    expect(unknown.body.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const wrongType = await t.gql(COMPLETE, { id: customers.chen, outcome: 'x' });
    expect(wrongType.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });

    const history = await t.gql(
      `query($id: ID!) { customer(id: $id) { serviceHistory(first: 5, kinds: [FOLLOW_UP]) { edges { node { channel summary
         ... on InteractionEvent { interaction { staffRef note branch { code } } } } } } } }`,
      { id: customers.zhou },
    );
    expect(history.body.data!.customer.serviceHistory.edges).toEqual([
      {
        node: {
          channel: 'CALL_CENTRE',
          summary: 'Follow up via call centre',
          interaction: { staffRef: 'RM-1', note: 'Customer renewed the deposit', branch: { code: 'SH01' } },
        },
      },
    ]);
  });

  it('lists a customer’s follow-ups by status, earliest due first', async () => {
    const { body } = await t.gql(
      `query($id: ID!) { customer(id: $id) {
         all: followUps { totalCount edges { node { reason status } } }
         overdue: followUps(status: [OVERDUE]) { totalCount edges { node { reason } } }
         done: followUps(status: [COMPLETED]) { edges { node { reason } } }
      } }`,
      { id: customers.zhou },
    );
    expect(body.errors).toBeUndefined();
    const c = body.data!.customer;
    expect(c.all.edges.map((e: any) => `${e.node.reason}:${e.node.status}`)).toEqual(['f4:COMPLETED', 'f7:OVERDUE', 'f3:OVERDUE']);
    expect(c.all.totalCount).toBe(3);
    expect(c.overdue.edges.map((e: any) => e.node.reason)).toEqual(['f7', 'f3']);
    expect(c.overdue.totalCount).toBe(2);
    expect(c.done.edges.map((e: any) => e.node.reason)).toEqual(['f4']);
  });

  it('gives a relationship manager a work list of what is still to do, pageable', async () => {
    const all = await t.gql(WORK_LIST, { owner: 'RM-2' });
    expect(all.body.data!.followUps.edges.map((e: any) => `${e.node.reason}:${e.node.status}`)).toEqual(['f7:OVERDUE', 'f5:OVERDUE', 'f3:OVERDUE', 'f6:OPEN']);
    expect(all.body.data!.followUps.totalCount).toBe(4);
    const due = await t.gql(WORK_LIST, { owner: 'RM-2', dueBefore: new Date().toISOString() });
    expect(due.body.data!.followUps.edges.map((e: any) => e.node.reason)).toEqual(['f7', 'f5', 'f3']);
    const open = await t.gql(WORK_LIST, { owner: 'RM-2', status: ['OPEN'] });
    expect(open.body.data!.followUps.edges.map((e: any) => e.node.reason)).toEqual(['f6']);
    const rm1 = await t.gql(WORK_LIST, { owner: 'RM-1', status: ['OPEN', 'OVERDUE', 'COMPLETED'] });
    expect(rm1.body.data!.followUps.edges.map((e: any) => e.node.reason)).toEqual(['f4', 'f1', 'f2']);

    const page1 = await t.gql(WORK_LIST, { owner: 'RM-2', first: 2 });
    expect(page1.body.data!.followUps.edges.map((e: any) => e.node.reason)).toEqual(['f7', 'f5']);
    expect(page1.body.data!.followUps.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.gql(WORK_LIST, { owner: 'RM-2', first: 2, after: page1.body.data!.followUps.pageInfo.endCursor });
    expect(page2.body.data!.followUps.edges.map((e: any) => e.node.reason)).toEqual(['f3', 'f6']);
    expect(page2.body.data!.followUps.pageInfo.hasNextPage).toBe(false);
  });

  it('counts open and overdue follow-ups per branch, most overdue first', async () => {
    // SH01: f3, f7 overdue + f6 open; CD01: f1 overdue + f2 open; no branch: f5 overdue. f4 is completed.
    const { body } = await t.gql(COUNTS, {});
    expect(body.data!.overdueFollowUpCounts).toEqual([
      { branch: { code: 'SH01' }, open: 3, overdue: 2 },
      { branch: { code: 'CD01' }, open: 2, overdue: 1 },
      { branch: null, open: 1, overdue: 1 },
    ]);
    const mine = await t.gql(COUNTS, { owner: 'RM-1' });
    expect(mine.body.data!.overdueFollowUpCounts).toEqual([{ branch: { code: 'CD01' }, open: 2, overdue: 1 }]);
  });
});
