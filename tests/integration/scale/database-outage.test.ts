import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../src/app';
import { migrate, openDatabase } from '../../../src/database/database';
import { Cluster, postgresBinDir, startStandaloneCluster } from '../../helpers/postgres-cluster';

const bin = postgresBinDir();
const runs = bin !== null && process.env.TEST_DATABASE_URL !== undefined;
const title = runs
  ? 'a database outage under load'
  : `a database outage under load (skipped: ${bin ? 'stops a PostgreSQL server of its own; runs in the PostgreSQL pass (TEST_DATABASE_URL)' : 'no PostgreSQL server binaries'})`;

(runs ? describe : describe.skip)(title, () => {
  let cluster: Cluster & { restart(): void; halt(): void; cleanup(): void };
  beforeAll(() => {
    cluster = startStandaloneCluster(bin!, 5493);
  });
  afterAll(() => cluster?.cleanup());

  it('answers SERVICE_UNAVAILABLE (503) through a 10 s outage under load and recovers without a restart', async () => {
    const db = await openDatabase({ databaseUrl: cluster.url(), poolSize: 4 });
    await migrate(db.dataSource);
    await db.dataSource.query(`INSERT INTO customer (full_name) VALUES ('Steady Shi')`);
    const app = await createApp({
      database: db,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      authMode: 'open',
      rateLimits: { perMinute: 10_000_000 }, // this is about the database, not the limiter
    });
    const ask = () => request(app.app).post('/graphql').send({ query: '{ customers { totalCount } }' });
    type Seen = { phase: 'before' | 'down' | 'after'; status: number; code?: string };
    const seen: Seen[] = [];
    let phase: Seen['phase'] = 'before';
    let running = true;
    // 8 clients asking back to back for the whole run (bounded by the phases below).
    const clients = Array.from({ length: 8 }, async () => {
      while (running) {
        const p = phase;
        const res = await ask();
        seen.push({ phase: p, status: res.status, code: res.body.errors?.[0]?.extensions?.code });
      }
    });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      phase = 'down';
      cluster.halt();
      await new Promise((r) => setTimeout(r, 10_000));
      expect((await request(app.app).get('/readyz')).status).toBe(503);
      expect((await request(app.app).get('/healthz')).status).toBe(200);
      cluster.restart();
      phase = 'after';
      await new Promise((r) => setTimeout(r, 3000));
      running = false;
      await Promise.all(clients);

      const during = seen.filter((s) => s.phase === 'down');
      expect(during.length).toBeGreaterThan(20);
      // Nothing but clear unavailability (or an answer that got in before the stop took hold).
      expect(during.filter((s) => !(s.status === 503 && s.code === 'SERVICE_UNAVAILABLE') && s.status !== 200)).toEqual([]);
      expect(during.filter((s) => s.status === 503).length).toBeGreaterThan(during.length / 2);
      expect(seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
      const after = seen.filter((s) => s.phase === 'after');
      expect(after[after.length - 1].status).toBe(200);
      expect((await ask()).body.data.customers.totalCount).toBe(1);
      expect((await request(app.app).get('/readyz')).status).toBe(200);
    } finally {
      running = false;
      await Promise.all(clients);
      await app.stop();
      await db.close();
    }
  });
});
