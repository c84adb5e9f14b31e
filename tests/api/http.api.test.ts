import request from 'supertest';
import { toGlobalId } from '../../src/common/global-id';
import { createCustomer } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

describe('GraphQL over HTTP', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await createTestApp();
    id = toGlobalId('Customer', await createCustomer(t.db.dataSource, { fullName: 'Http Person' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers POST with application/graphql-response+json when asked for it', async () => {
    const res = await request(t.app.app)
      .post('/graphql')
      .set('accept', 'application/graphql-response+json')
      .send({ query: 'query ($id: ID!) { customer(id: $id) { fullName } }', variables: { id } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/graphql-response\+json/);
    expect(res.body).toEqual({ data: { customer: { fullName: 'Http Person' } } });
  });

  it('answers GET queries that carry a preflight header and refuses bare GETs (CSRF)', async () => {
    const res = await request(t.app.app)
      .get('/graphql')
      .query({ query: '{ customers(first: 1) { totalCount } }' })
      .set('accept', 'application/graphql-response+json')
      .set('graphql-preflight', '1');
    expect(res.status).toBe(200);
    expect(res.body.data.customers.totalCount).toBe(1);
    const noPreflight = await request(t.app.app).get('/graphql').query({ query: '{ __typename }' }).set('accept', 'application/json');
    expect(noPreflight.status).toBe(400);
  });

  it('uses 400 for unparseable and invalid documents, per the GraphQL-over-HTTP spec', async () => {
    const parse = await request(t.app.app).post('/graphql').set('accept', 'application/graphql-response+json').send({ query: '{ customers(' });
    expect(parse.status).toBe(400);
    expect(parse.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await request(t.app.app).post('/graphql').set('accept', 'application/graphql-response+json').send({ query: '{ noSuchField }' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const malformedJson = await request(t.app.app).post('/graphql').set('content-type', 'application/json').send('{"query": ');
    expect(malformedJson.status).toBe(400);
  });

  it('never sends a stack trace', async () => {
    const res = await request(t.app.app).post('/graphql').send({ query: '{ customer(id: "x") { id } }' });
    expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('reports liveness and readiness', async () => {
    expect((await request(t.app.app).get('/healthz')).body).toEqual({ status: 'ok', worker: null });
    const ready = await request(t.app.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
  });
});

describe('unexpected errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createCustomer(t.db.dataSource, { fullName: 'Broken Person' });
    // A schema the code does not expect: every read of mobile banking now fails inside the database.
    await t.db.dataSource.query('ALTER TABLE mobile_enrolment RENAME TO mobile_enrolment_gone');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are masked for the client, with an error id, while the rest of the response survives', async () => {
    const res = await t.gql('{ customers(first: 1) { edges { node { fullName mobileBanking { enrolledAt } } } } }');
    expect(res.status).toBe(200);
    expect(res.body.data!.customers.edges[0].node).toEqual({ fullName: 'Broken Person', mobileBanking: null });
    const [error] = res.body.errors!;
    expect(error.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions!.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(error.extensions!.errorId);
    expect(error.message).not.toMatch(/mobile_enrolment|relation|SELECT/i);
  });
});
