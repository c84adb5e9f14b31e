import { createCustomer } from '../../factories/bank.factory';
import { createTestApp, TestApp } from '../../helpers/test-app';
import { enableTracing } from '../../../src/observability/tracing';

describe('OpenTelemetry spans', () => {
  const exporter = enableTracing('memory')!;
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createCustomer(t.db.dataSource, { fullName: 'Traced Tang' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives each request a span named after its operation, with one child span per SQL statement', async () => {
    exporter.reset();
    const { statements } = await t.db.queryCounter.record(() => t.gql('query TracedPage { customers(first: 2) { totalCount edges { node { fullName } } } }'));
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'graphql query TracedPage');
    expect(request).toBeDefined();
    const sql = spans.filter((s) => s.name === 'db.query' && s.parentSpanContext?.spanId === request!.spanContext().spanId);
    expect(sql).toHaveLength(statements.length);
    expect(sql.map((s) => s.attributes['db.statement'])).toEqual(expect.arrayContaining([expect.stringMatching(/FROM customer c/)]));
  });
});
