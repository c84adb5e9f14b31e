import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../src/config/config';
import { RunningServer, startServer } from '../../../src/server';

/** The real start-up path: config -> embedded database on disk -> migrate -> seed -> listen -> drain. */
describe('server lifecycle on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fattail-server-'));
  const logger = pino({ level: 'silent' });
  const config = () => loadConfig({ PORT: '0', FATTAIL_DATA_DIR: dataDir, FATTAIL_SEED_CUSTOMERS: '40', NODE_ENV: 'test' } as NodeJS.ProcessEnv);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const post = (server: RunningServer, query: string) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

  it('seeds the demo bank on first start, keeps it on the next, and drains in-flight requests on shutdown', async () => {
    const first = await startServer(config(), logger);
    const res = await post(first, '{ customers(first: 1) { totalCount } }');
    expect(((await res.json()) as any).data.customers.totalCount).toBe(40);

    // Hold the embedded database's only connection so the next request stays in flight.
    const holder = first.database.dataSource.createQueryRunner();
    await holder.connect();
    const inFlight = post(first, '{ customers(first: 2) { edges { node { fullName } } } }');
    await new Promise((r) => setTimeout(r, 100));
    const shutdown = first.shutdown('test');
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();
    await holder.release();
    const drained = await inFlight;
    expect(drained.status).toBe(200);
    expect(((await drained.json()) as any).data.customers.edges).toHaveLength(2);
    await shutdown;

    const second = await startServer(config(), logger);
    try {
      const again = await post(second, '{ customers(first: 1) { totalCount } }');
      expect(((await again.json()) as any).data.customers.totalCount).toBe(40);
    } finally {
      await second.shutdown('test');
    }
  });
});

describe('configuration', () => {
  it('refuses to start on an invalid environment, naming every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' } as NodeJS.ProcessEnv)).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
  });
});
