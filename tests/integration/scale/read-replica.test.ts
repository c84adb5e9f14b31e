import { Client } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../src/app';
import { toGlobalId } from '../../../src/common/global-id';
import { migrate, openDatabase } from '../../../src/database/database';
import { postgresBinDir, PrimaryWithReplica, startPrimaryWithReplica } from '../../helpers/postgres-cluster';

const bin = postgresBinDir();
// Starts two real PostgreSQL servers of its own; that belongs to the PostgreSQL pass of the suite.
const runs = bin !== null && process.env.TEST_DATABASE_URL !== undefined;
const describeReplica = runs ? describe : describe.skip;
const title = runs
  ? 'read replicas (a real streaming replica)'
  : `read replicas (skipped: ${bin ? 'runs in the PostgreSQL pass (TEST_DATABASE_URL)' : 'no PostgreSQL server binaries under /usr/lib/postgresql'})`;

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeReplica(title, () => {
  let clusters: PrimaryWithReplica;
  beforeAll(() => {
    clusters = startPrimaryWithReplica(bin!, 5491, 5492);
  });
  afterAll(() => clusters?.cleanup());

  it('serves reads from the replica and writes, and the reads of a mutation, from the primary', async () => {
    const db = await openDatabase({ databaseUrl: clusters.primary.url(), replicaUrls: [clusters.replica.url()], poolSize: 2 });
    const app = await createApp({ database: db, logger: pino({ level: 'silent' }), authMode: 'open' });
    const replicaAdmin = new Client({ connectionString: clusters.replica.url() });
    await replicaAdmin.connect();
    try {
      await migrate(db.dataSource);
      await db.dataSource.query(`INSERT INTO customer (full_name) VALUES ('Replicated Ren')`);
      await waitFor(async () => (await replicaAdmin.query(`SELECT to_regclass('customer') IS NOT NULL AND EXISTS (SELECT 1 FROM customer) AS ok`)).rows[0].ok, 'replication');
      const count = async (headers: Record<string, string> = {}) =>
        (await request(app.app).post('/graphql').set(headers).send({ query: '{ customers { totalCount } }' })).body.data.customers.totalCount;
      expect(await count()).toBe(1);

      // Freeze the replica: from now on it lags, so where each read went shows in its answer.
      await replicaAdmin.query('SELECT pg_wal_replay_pause()');
      await db.dataSource.query(`INSERT INTO customer (full_name) VALUES ('Primary Only Pu')`);
      expect(await count()).toBe(1); // replica
      expect(await count({ 'x-fattail-consistency': 'primary' })).toBe(2); // read-your-writes on request

      // A write goes to the primary (the replica is read-only) and the mutation's own reads follow it.
      await db.dataSource.query(`INSERT INTO partner (code, name, industry) VALUES ('shopmall', 'ShopMall', 'e-commerce')`);
      const [{ id }] = await db.dataSource.query(`SELECT id FROM customer WHERE full_name = 'Primary Only Pu'`);
      const granted = await request(app.app)
        .post('/graphql')
        .send({
          query: `mutation ($id: ID!) { grantConsent(input: { customerId: $id, partnerCode: "shopmall", purpose: "offers", scopes: [PROFILE] }) { customerId partnerCode } }`,
          variables: { id: toGlobalId('Customer', id) },
        });
      expect(granted.body.errors).toBeUndefined();
      expect(granted.body.data.grantConsent).toEqual({ customerId: toGlobalId('Customer', id), partnerCode: 'shopmall' });
      const [{ n }] = (await replicaAdmin.query('SELECT count(*)::int AS n FROM consent')).rows;
      expect(n).toBe(0); // not on the frozen replica: it was written to the primary

      await replicaAdmin.query('SELECT pg_wal_replay_resume()');
      await waitFor(async () => (await count()) === 2, 'the replica to catch up');
    } finally {
      await replicaAdmin.end();
      await app.stop();
      await db.close();
    }
  });
});
