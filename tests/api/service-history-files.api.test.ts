import path from 'node:path';
import { InteractionRejection, loadInteractionFiles } from '../../src/cli/commands/interactions.command';
import { repoRoot } from '../../src/common/repo-root';
import { createServiceHistoryRepositories, createServiceHistoryServices } from '../../src/modules/service-history/service-history.context';
import { createCustomer } from '../factories/bank.factory';
import { createTestDatabase, TestDatabase } from '../helpers/test-database';

const EXAMPLES = path.join(repoRoot(), 'examples', 'service-history');

describe('interaction files (fattail interactions): the canonical NDJSON and CSV examples', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    await ds.query(`INSERT INTO branch (code, name) VALUES ('BJ01', 'Beijing Chaoyang'), ('SH01', 'Shanghai Pudong')`);
    await createCustomer(ds, { fullName: 'Wang Fang', source: { system: 'core-banking', key: 'C001' } });
    await createCustomer(ds, { fullName: 'Li Wei', source: { system: 'core-banking', key: 'C002' } });
  });
  afterAll(async () => {
    await db?.close();
  });

  async function load() {
    const { serviceHistory } = createServiceHistoryServices(createServiceHistoryRepositories(db.dataSource), () => new Date('2024-07-01T00:00:00Z'));
    const rejected: InteractionRejection[] = [];
    const summary = await loadInteractionFiles(serviceHistory, [path.join(EXAMPLES, 'interactions.ndjson'), path.join(EXAMPLES, 'interactions.csv')], (r) => rejected.push(r));
    return { summary, rejected };
  }

  it('loads both files, rejecting by file, line and field', async () => {
    const { summary, rejected } = await load();
    expect(summary).toEqual({ read: 10, inserted: 8, updated: 0, unchanged: 0, rejected: 2 });
    expect(rejected).toEqual([
      { file: path.join(EXAMPLES, 'interactions.ndjson'), line: 6, sourceKey: 'CRM-2024-000190', field: 'customerKey', reason: 'no customer core-banking/C404' },
      { file: path.join(EXAMPLES, 'interactions.csv'), line: 5, sourceKey: 'CRM-2024-000231', field: 'occurredAt', reason: expect.stringMatching(/time zone/) },
    ]);
    const rows = await db.dataSource.query(
      `SELECT c.full_name AS name, i.kind, i.channel, b.code AS branch, i.occurred_at AS at
         FROM interaction i JOIN customer c ON c.id = i.customer_id LEFT JOIN branch b ON b.id = i.branch_id
        ORDER BY i.occurred_at, i.source_key`,
    );
    expect(rows.map((r: any) => `${r.name} ${r.kind} ${r.channel} ${r.branch ?? '-'}`)).toEqual([
      'Wang Fang ADVICE BRANCH BJ01',
      'Wang Fang COMPLAINT CALL_CENTRE -',
      'Wang Fang MARKETING_CONTACT SMS -',
      'Li Wei MARKETING_CONTACT EMAIL -',
      'Li Wei SALE BRANCH SH01',
      'Li Wei SERVICE_REQUEST CALL_CENTRE -',
      'Wang Fang SERVICE_REQUEST MOBILE_APP -',
      'Wang Fang FOLLOW_UP BRANCH BJ01',
    ]);
    expect(rows[0].at.toISOString()).toBe('2024-03-04T02:15:00.000Z');
  });

  it('changes nothing when the same files are loaded again', async () => {
    const { summary } = await load();
    expect(summary).toEqual({ read: 10, inserted: 0, updated: 0, unchanged: 8, rejected: 2 });
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM interaction`);
    expect(n).toBe(8);
  });
});
