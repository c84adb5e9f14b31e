import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { assertKeyPepper, loadConfig } from '../../../src/config/config';
import { createTestApp, TestApp } from '../../helpers/test-app';

describe('query limits and hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ queryLimits: { maxDepth: 8, maxCost: 5000 }, bodyLimit: '2kb' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a query deeper than the limit, even through fragments', async () => {
    const res = await t.gql(`
      fragment A on Account { transactions(first: 1) { edges { node { account { id } } } } }
      { customers(first: 1) { edges { node { accounts(first: 1) { edges { node { ...A } } } } } } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 8 });
  });

  it('prices pages by their size: the same shape passes small and fails large', async () => {
    const shape = (n: number) => `{ customers(first: ${n}) { edges { node { accounts(first: ${n}) { edges { node { id balance } } } } } } }`;
    const small = await t.gql(shape(10));
    expect(small.body.errors).toBeUndefined();
    const large = await t.gql(shape(100));
    expect(large.status).toBe(400);
    expect(large.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: 5000 });
    expect(large.body.errors![0].extensions!.cost).toBeGreaterThan(5000);
  });

  it('refuses batched requests and oversized bodies', async () => {
    const batch = await request(t.app.app).post('/graphql').send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(batch.status).toBe(400);
    const big = await request(t.app.app).post('/graphql').send({ query: `{ __typename }${' '.repeat(4096)}` });
    expect(big.status).toBe(413);
    expect(big.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sends security headers', async () => {
    const res = await request(t.app.app).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('rate limits', () => {
  async function exhaust(t: TestApp, key: string, times: number) {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < times; i++) {
      last = await t.gql('{ __typename }', undefined, key);
      statuses.push(last.status);
    }
    return { statuses, last: last! };
  }

  it('answers 429 with Retry-After and RATE_LIMITED once a key spends its budget (in memory)', async () => {
    const t = await createTestApp({ authMode: 'required', rateLimits: { perMinute: 3, partnerPerMinute: 1 } });
    try {
      const key = await t.createKey('FRONTEND');
      const { statuses, last } = await exhaust(t, key, 4);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      expect(last.body.errors![0].extensions!.code).toBe('RATE_LIMITED');
      const other = await t.createKey('FRONTEND');
      expect((await t.gql('{ __typename }', undefined, other)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  it(`shares one budget across server processes through Redis (${redisUrl})`, async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect(); // CI runs Redis; an unreachable Redis fails here, loudly
    const namespace = `fattail-test-${randomUUID()}`;
    const a = await createTestApp({ authMode: 'required', redis, rateLimits: { perMinute: 4, namespace } });
    // A second "process": its own app and in-process state, the same database and Redis.
    const { createApp } = await import('../../../src/app');
    const pino = (await import('pino')).default;
    const b = await createApp({ database: a.db, logger: pino({ level: 'silent' }), authMode: 'required', redis, rateLimits: { perMinute: 4, namespace } });
    try {
      const key = await a.createKey('ANALYST');
      const hit = async (app: typeof b.app) =>
        (await request(app).post('/graphql').set('authorization', `Bearer ${key}`).send({ query: '{ __typename }' })).status;
      const statuses = [await hit(a.app.app), await hit(b.app), await hit(a.app.app), await hit(b.app), await hit(a.app.app), await hit(b.app)];
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const rejected = await a.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE outcome = 'REJECTED' AND 'RATE_LIMITED' = ANY(error_codes)`);
      expect(rejected[0].n).toBe(2);
    } finally {
      await b.stop();
      await a.close();
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});

describe('start-up configuration', () => {
  it('runs open only for the local embedded demo and says why it refuses otherwise', () => {
    expect(loadConfig({} as NodeJS.ProcessEnv).authMode).toBe('open');
    expect(loadConfig({ HOST: '0.0.0.0' } as NodeJS.ProcessEnv).authMode).toBe('required');
    expect(loadConfig({ NODE_ENV: 'production', FATTAIL_KEY_PEPPER: 'x'.repeat(32) } as NodeJS.ProcessEnv).authMode).toBe('required');
    expect(() => loadConfig({ FATTAIL_AUTH: 'open', HOST: '0.0.0.0' } as NodeJS.ProcessEnv)).toThrow(/refusing to run open/);
    expect(() => loadConfig({ FATTAIL_AUTH: 'open', DATABASE_URL: 'postgresql://db/x', FATTAIL_KEY_PEPPER: 'p' } as NodeJS.ProcessEnv)).toThrow(/refusing to run open/);
  });

  it('requires a key pepper wherever keys are used with a real database or in production', () => {
    expect(() => assertKeyPepper(loadConfig({ DATABASE_URL: 'postgresql://db/x' } as NodeJS.ProcessEnv))).toThrow(/FATTAIL_KEY_PEPPER/);
    expect(() => assertKeyPepper(loadConfig({ NODE_ENV: 'production' } as NodeJS.ProcessEnv))).toThrow(/FATTAIL_KEY_PEPPER/);
    expect(() => assertKeyPepper(loadConfig({ DATABASE_URL: 'postgresql://db/x', FATTAIL_KEY_PEPPER: 's3cret' } as NodeJS.ProcessEnv))).not.toThrow();
    expect(() => assertKeyPepper(loadConfig({} as NodeJS.ProcessEnv))).not.toThrow(); // the local demo
  });
});

describe('GraphiQL with keys required', () => {
  it('serves the page without a key (it holds no data) while the API still needs one, and lets introspection past the depth limit', async () => {
    const t = await createTestApp({ authMode: 'required', queryLimits: { maxDepth: 8 } });
    try {
      const page = await request(t.app.app).get('/graphql').set('accept', 'text/html');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect((await t.gql('{ __typename }')).status).toBe(401);
      const { getIntrospectionQuery } = await import('graphql');
      const analyst = await t.createKey('ANALYST');
      const intro = await t.gql(getIntrospectionQuery(), undefined, analyst);
      expect(intro.body.errors).toBeUndefined();
      expect(intro.body.data!.__schema.queryType.name).toBe('Query');
    } finally {
      await t.close();
    }
  });
});
