import { createTestDatabase, TestDatabase } from '../../helpers/test-database';

describe('entity metadata', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('maps every source-record entity onto its table with the shared head (customer_id, id, provenance)', async () => {
    const has = (m: { columns: { databaseName: string }[] }, name: string) => m.columns.some((c) => c.databaseName === name);
    const owned = db.dataSource.entityMetadatas.filter((m) => has(m, 'source_key') && has(m, 'customer_id'));
    expect(owned.length).toBeGreaterThanOrEqual(7);
    for (const meta of owned) {
      expect(meta.primaryColumns.map((c) => c.databaseName).sort()).toContain('customer_id');
      const [row] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = $1 AND column_name = ANY($2::text[])`,
        [meta.tableName, meta.columns.map((c) => c.databaseName)],
      );
      expect({ table: meta.tableName, columns: row.n }).toEqual({ table: meta.tableName, columns: meta.columns.length });
    }
  });
});
