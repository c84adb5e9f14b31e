import pino from 'pino';
import request from 'supertest';
import { getNamedType, GraphQLObjectType, isObjectType } from 'graphql';
import { App, createApp } from '../../src/app';
import { READ_MODEL } from '../../src/graphql/compiled/read-model';
import { getSchema } from '../../src/graphql/schema';
import { seedDemoBank } from '../../seeds/demo-bank.seed';
import { createTestApp, GqlBody, TestApp } from '../helpers/test-app';

// The compiled read path (src/graphql/compiled/) must answer exactly what the resolvers answer. These tests
// run the same requests through an app with it and an app without it, on one database, and compare.

const NOW = new Date('2026-06-30T00:00:00Z');

/** A selection of every field the read model compiles, connections with every edge and pageInfo field. */
async function everyFieldSelection(typeName: string, depth = 0): Promise<string> {
  const schema = await getSchema();
  const type = schema.getType(typeName) as GraphQLObjectType;
  const parts: string[] = ['__typename'];
  for (const name of Object.keys(READ_MODEL[typeName].fields)) {
    const target = getNamedType(type.getFields()[name].type);
    if (!isObjectType(target)) {
      parts.push(name);
    } else if (target.name.endsWith('Connection')) {
      if (depth > 1) continue; // the page gets deep enough at two levels
      const node = target.name.slice(0, -'Connection'.length);
      parts.push(`${name}(first: 3) { __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { ${await everyFieldSelection(node, depth + 1)} } } }`);
    } else if (depth <= 2) {
      parts.push(`${name} { ${await everyFieldSelection(target.name, depth + 1)} }`);
    }
  }
  return parts.join(' ');
}

describe('compiled reads', () => {
  let t: TestApp;
  let plain: App;

  beforeAll(async () => {
    t = await createTestApp({ authMode: 'required' });
    plain = await createApp({ database: t.db, logger: pino({ level: 'silent' }), authMode: 'required', compiledReads: false });
    await seedDemoBank(t.db.dataSource, { customers: 80, seed: 11, now: NOW });
    const analyst = await t.createKey('ANALYST');
    const refreshed = await t.gql(`mutation { refreshSegments { refreshId } }`, {}, analyst);
    expect(refreshed.body.errors).toBeUndefined();
    const fitted = await t.gql(
      `mutation { fitLifetimeValueModel(input: { activity: TRANSACTIONS, calibrationEnd: "2026-03-31", unit: WEEK }) { version } }`,
      {},
      analyst,
    );
    expect(fitted.body.errors).toBeUndefined();
  }, 300_000);

  afterAll(async () => {
    await plain.stop();
    await t.close();
  });

  const send = (app: App, query: string, variables: Record<string, unknown>, key: string) =>
    request(app.app).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${key}`).send({ query, variables });

  async function both(query: string, variables: Record<string, unknown>, key: string) {
    const before = { ...t.app.compiledReads };
    const compiled = await send(t.app, query, variables, key);
    const viaResolvers = await send(plain, query, variables, key);
    return {
      compiled: { status: compiled.status, body: compiled.body as GqlBody },
      viaResolvers: viaResolvers.body,
      // The compiled path writes PostgreSQL's JSON text out without parsing it: the bytes must match too.
      compiledText: compiled.text,
      resolverText: viaResolvers.text,
      compiledCount: t.app.compiledReads.compiled - before.compiled,
    };
  }

  it('answers a list page with every compiled field exactly as the resolvers do, in one statement', async () => {
    const key = await t.createKey('FRONTEND');
    const query = `query List($after: String) { customers(first: 7, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { ${await everyFieldSelection('Customer')} } } } }`;
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const { compiled, viaResolvers, compiledText, resolverText, compiledCount } = await both(query, { after }, key);
      expect(compiledCount).toBe(1);
      expect(compiled.body.errors).toBeUndefined();
      expect(compiled.body).toEqual(viaResolvers);
      expect(compiledText).toBe(resolverText); // byte for byte: key order, number formatting, no whitespace
      after = compiled.body.data!.customers.pageInfo.endCursor;
    }
    // Past the last customer: an empty page still has its totalCount and pageInfo.
    const lastCursor = Buffer.from(JSON.stringify([null, '9999999999'])).toString('base64url');
    const empty = await both(`query Tail($after: String) { customers(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } } }`, { after: lastCursor }, key);
    expect(empty.compiledCount).toBe(1);
    expect(empty.compiled.body).toEqual(empty.viaResolvers);
    expect(empty.compiledText).toBe(empty.resolverText);
    expect(empty.compiled.body.data!.customers).toEqual({ totalCount: 80, pageInfo: { hasNextPage: false, endCursor: null } });
    const { statements } = await t.db.queryCounter.record(() => t.gql(query, { after: null }, key));
    // authentication (the key lookup) + the one compiled statement
    expect(statements.filter((s) => !/api_key/.test(s))).toHaveLength(1);
  }, 120_000);

  it('answers a large page byte for byte (PostgreSQL\'s JSON text goes out without being parsed)', async () => {
    const key = await t.createKey('FRONTEND');
    const query = `{ customers(first: 80) { edges { cursor node { id fullName city email phone interests createdAt
      accounts(first: 5) { edges { node { id balance transactions(first: 5) { edges { node { id amount description bookedAt } } } } } } } } } }`;
    const { compiledText, resolverText, compiledCount } = await both(query, {}, key);
    expect(compiledCount).toBe(1);
    expect(compiledText.length).toBeGreaterThan(100_000);
    expect(compiledText).toBe(resolverText);
  }, 120_000);

  it('answers customer pages, with PII unmasked only for a key with the pii scope, and the same audit record', async () => {
    const masked = await t.createKey('FRONTEND');
    const admin = await t.createKey('ADMIN');
    const ids: string[] = (await t.gql(`{ customers(first: 40) { edges { node { id } } } }`, {}, admin)).body.data!.customers.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    const query = `query Page($id: ID!) { customer(id: $id) { ...Profile firstAccounts: accounts(first: 2) { edges { node { id balance } } } } }
      fragment Profile on Customer { ${await everyFieldSelection('Customer')} }`;
    for (const [i, id] of ids.entries()) {
      const { compiled, viaResolvers, compiledText, resolverText, compiledCount } = await both(query, { id }, i % 2 ? masked : admin);
      expect(compiledCount).toBe(1);
      expect(compiled.body).toEqual(viaResolvers);
      expect(compiledText).toBe(resolverText);
    }
    const unknown = await both(query, { id: Buffer.from('Customer:999999999').toString('base64url') }, admin);
    expect(unknown.compiled.body).toEqual({ data: { customer: null } });
    expect(unknown.viaResolvers).toEqual({ data: { customer: null } });
    expect(unknown.compiledText).toBe(unknown.resolverText);

    // An admin reading PII is audited the same way on both paths (the record is written before the response).
    const audited = `SELECT customer_ids, fields, pii_accessed FROM audit_log ORDER BY id DESC LIMIT 2`;
    await both(`query One($id: ID!) { customer(id: $id) { id email accounts(first: 1) { edges { node { id } } } } }`, { id: ids[0] }, admin);
    const [viaResolvers, compiled] = await t.db.dataSource.query(audited);
    expect(compiled).toEqual(viaResolvers);
    expect(compiled.pii_accessed).toBe(true);
    expect(compiled.fields).toEqual(['Customer.accounts', 'Customer.email', 'Customer.id', 'Query.customer']);
  }, 180_000);

  it('declines what it does not cover, and the resolvers answer (errors included)', async () => {
    const key = await t.createKey('FRONTEND');
    const cases = [
      `{ customers(first: 3, orderBy: { field: FULL_NAME, direction: ASC }) { edges { node { id fullName } } } }`,
      `{ customers(first: 3) { edges { node { id sources { system key } } } } }`,
      `{ customers(last: 2) { edges { node { id } } } }`,
      `{ customers(first: 500) { edges { node { id } } } }`,
      `{ customers(first: 2, after: "not-a-cursor") { edges { node { id } } } }`,
      `{ customer(id: "nope") { id } }`,
      `{ customers(first: 2) { edges { node { lifetimeValue { predictedValue(horizonMonths: 6) { amount } } } } } }`,
    ];
    for (const query of cases) {
      const { compiled, viaResolvers, compiledText, resolverText, compiledCount } = await both(query, {}, key);
      expect(compiledCount).toBe(0);
      expect(compiled.body).toEqual(viaResolvers);
      expect(compiledText).toBe(resolverText);
    }
  }, 120_000);

  it('is never used for partner keys or mutations', async () => {
    const partner = await t.createKey('PARTNER', { partnerCode: 'cdnow' }).catch(() => null);
    const before = t.app.compiledReads.compiled;
    if (partner) await t.gql(`{ customers(first: 2) { edges { node { id } } } }`, {}, partner);
    const admin = await t.createKey('ADMIN');
    await t.gql(`mutation { refreshSegments { refreshId } }`, {}, admin);
    expect(t.app.compiledReads.compiled).toBe(before);
  }, 60_000);
});
