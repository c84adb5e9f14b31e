import { QueryRunner } from 'typeorm';
import { LifetimeValue1764900000000 } from '../../../migrations/1764900000000-lifetime-value';
import { createTestDatabase, TestDatabase, testDatabaseKind } from '../../helpers/test-database';

describe(`lifetime-value migration (${testDatabaseKind()})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  // Through the runner: the embedded database has a single connection.
  const tables = async (runner: QueryRunner) =>
    (
      await runner.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('lifetime_value_model', 'customer_lifetime_value') ORDER BY 1`,
      )
    ).map((r: { table_name: string }) => r.table_name);

  it('goes down and up again', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      expect(await tables(runner)).toEqual(['customer_lifetime_value', 'lifetime_value_model']);
      await new LifetimeValue1764900000000().down(runner);
      expect(await tables(runner)).toEqual([]);
      await new LifetimeValue1764900000000().up(runner);
      expect(await tables(runner)).toEqual(['customer_lifetime_value', 'lifetime_value_model']);
    } finally {
      await runner.release();
    }
  });
});
