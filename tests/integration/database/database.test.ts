import { createTestDatabase, TestDatabase } from '../../helpers/test-database';

describe('database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('migrates every table', async () => {
    const tables = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations' ORDER BY 1`,
    );
    expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(
      ['account', 'account_holder', 'api_key', 'audit_log', 'bank_transaction', 'branch', 'card', 'consent', 'customer',
       'customer_identifier', 'customer_lifetime_value', 'customer_merge', 'customer_source', 'follow_up', 'ingest_pending',
       'interaction', 'lifetime_value_model', 'loan', 'mobile_enrolment', 'mobile_session', 'partner', 'partner_purchase',
       'persisted_operation', 'segment', 'segment_membership', 'segment_refresh', 'segment_transition', 'standing_order'],
    );
  });

  it('keeps two concurrent transactions apart: the rolled-back one leaves nothing, the other all its rows', async () => {
    const ds = db.dataSource;
    const failing = ds.transaction(async (m) => {
      await m.query(`INSERT INTO branch (code, name) VALUES ('RB-1', 'rolled back one')`);
      await new Promise((r) => setTimeout(r, 20));
      await m.query(`INSERT INTO branch (code, name) VALUES ('RB-2', 'rolled back two')`);
      throw new Error('roll me back');
    });
    const succeeding = ds.transaction(async (m) => {
      await m.query(`INSERT INTO branch (code, name) VALUES ('OK-1', 'kept one')`);
      await new Promise((r) => setTimeout(r, 10));
      await m.query(`INSERT INTO branch (code, name) VALUES ('OK-2', 'kept two')`);
    });
    const [failed, succeeded] = await Promise.allSettled([failing, succeeding]);
    expect(failed.status).toBe('rejected');
    expect(succeeded.status).toBe('fulfilled');
    const rows = await ds.query(`SELECT code FROM branch WHERE code LIKE 'RB-%' OR code LIKE 'OK-%' ORDER BY code`);
    expect(rows.map((r: { code: string }) => r.code)).toEqual(['OK-1', 'OK-2']);
  });

  it('survives an SQL error and keeps serving queries', async () => {
    await expect(db.dataSource.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    const [{ one }] = await db.dataSource.query('SELECT 1 AS one');
    expect(one).toBe(1);
  });

  it('stores money exactly as numeric and hands it back as a decimal string', async () => {
    const [row] = await db.dataSource.query(`SELECT '12345678901234.57'::numeric(18,2) AS amount`);
    expect(row.amount).toBe('12345678901234.57');
  });

  it('reverts the migrations', async () => {
    for (let i = 0; i < db.dataSource.migrations.length; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
    expect(n).toBe(0);
  });
});
