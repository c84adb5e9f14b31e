import request from 'supertest';
import { createAccount, createCustomer, createTransactions } from '../../factories/bank.factory';
import { createTestApp, TestApp } from '../../helpers/test-app';

describe('/metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The resolver path, whose DataLoader batches this test reads (compiled reads would answer these pages
    // with one statement and no loader).
    t = await createTestApp({ compiledReads: false });
    for (let i = 0; i < 3; i++) {
      const c = await createCustomer(t.db.dataSource);
      await createTransactions(t.db.dataSource, c, await createAccount(t.db.dataSource, c), 2);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  function sample(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `) ? wanted.every((w) => l.includes(w)) : false);
    return line ? Number(line.split(' ').pop()) : undefined;
  }

  it('counts requests and latency by operation, errors by code, DataLoader batches, pool and SQL use', async () => {
    await t.gql('query Page { customers(first: 3) { edges { node { accounts { edges { node { transactions(first: 1) { totalCount } } } } } } } }');
    await t.gql('query Page { customers(first: 3) { totalCount } }');
    await t.gql('query Broken { customers(first: 500) { totalCount } }');
    const res = await request(t.app.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const text = res.text;
    expect(sample(text, 'fattail_graphql_requests_total', { operation: 'Page', outcome: 'success' })).toBe(2);
    expect(sample(text, 'fattail_graphql_requests_total', { operation: 'Broken', outcome: 'error' })).toBe(1);
    expect(sample(text, 'fattail_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(sample(text, 'fattail_graphql_request_duration_seconds_count', { operation: 'Page' })).toBe(2);
    // One batch of 3 customers' accounts, one of 3 accounts' transaction counts.
    expect(sample(text, 'fattail_dataloader_batch_size_sum', { loader: 'accountPageByCustomerLoader' })).toBe(3);
    expect(sample(text, 'fattail_dataloader_batch_size_count', { loader: 'accountPageByCustomerLoader' })).toBe(1);
    expect(sample(text, 'fattail_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'fattail_sql_statements')).toBeGreaterThan(0);
    expect(text).toContain('fattail_process_resident_memory_bytes');
  });

  it('counts what the compiled read path did, by outcome', async () => {
    const compiled = await createTestApp();
    try {
      await createCustomer(compiled.db.dataSource);
      await compiled.gql('query Page { customers(first: 3) { totalCount edges { node { id fullName } } } }');
      await compiled.gql('query One { customers(first: 3) { edges { node { id } } } }');
      // `sources` is not in the read model: the resolvers answer it.
      await compiled.gql('query Sources { customers(first: 3) { edges { node { sources { system } } } } }');
      const text = (await request(compiled.app.app).get('/metrics')).text;
      expect(sample(text, 'fattail_compiled_reads_total', { outcome: 'compiled' })).toBe(2);
      expect(sample(text, 'fattail_compiled_reads_total', { outcome: 'declined' })).toBe(1);
      expect(sample(text, 'fattail_compiled_reads_total', { outcome: 'failed' })).toBe(0);
      expect(compiled.app.compiledReads).toEqual({ compiled: 2, declined: 1, failed: 0 });
      // A second scrape reports the same totals (the counter mirrors the plugin's counts, it does not add them up).
      const again = (await request(compiled.app.app).get('/metrics')).text;
      expect(sample(again, 'fattail_compiled_reads_total', { outcome: 'compiled' })).toBe(2);
    } finally {
      await compiled.close();
    }
  });
});
