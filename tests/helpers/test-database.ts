import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Database, migrate, openDatabase } from '../../src/database/database';

/**
 * A migrated, empty database of its own for one test file: PGlite in memory by default, or a fresh
 * PostgreSQL database (created from TEST_DATABASE_URL, dropped afterwards) when that is set.
 */
export interface TestDatabase extends Database {
  url?: string;
}

export function testDatabaseKind(): 'embedded' | 'postgres' {
  return process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  let db: Database;
  let url: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (adminUrl) {
    const name = `fattail_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(adminUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    db = await openDatabase({ databaseUrl: url, poolSize: 4 });
    dropDatabase = async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    db = await openDatabase({});
  }
  if (options.migrate !== false) await migrate(db.dataSource);
  return {
    ...db,
    url,
    async close() {
      await db.close();
      if (dropDatabase) await dropDatabase();
    },
  };
}
