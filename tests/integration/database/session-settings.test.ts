import { INGEST_SESSION_SETTINGS, openDatabase } from '../../../src/database/database';
import { testDatabaseKind } from '../../helpers/test-database';

/**
 * `fattail ingest` opens its connections with INGEST_SESSION_SETTINGS (startup options); the API server sends
 * none, so it works behind poolers that refuse them. The embedded database takes no startup options.
 */
describe(`session settings at connection start (${testDatabaseKind()})`, () => {
  const url = process.env.TEST_DATABASE_URL;

  it('gives ingestion connections their temp_buffers and leaves other connections at the server default', async () => {
    const show = async (sessionSettings?: Record<string, string>) => {
      const db = await openDatabase({ databaseUrl: url, poolSize: 2, sessionSettings });
      try {
        // Both pooled connections, not just the first.
        const rows = await Promise.all([1, 2].map(() => db.dataSource.query(`SELECT current_setting('temp_buffers') AS v, pg_sleep(0.05)`)));
        return rows.map(([r]) => r.v as string);
      } finally {
        await db.close();
      }
    };
    const [ingest, plain] = [await show(INGEST_SESSION_SETTINGS), await show()];
    if (url) {
      expect(ingest).toEqual(['256MB', '256MB']);
      expect(plain[0]).not.toBe('256MB');
    } else {
      // Ignored by the embedded database: the same default either way.
      expect(ingest).toEqual(plain);
    }
  }, 120_000);
});
