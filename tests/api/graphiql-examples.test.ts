import { getVariableValues, Kind, OperationDefinitionNode, parse, validate } from 'graphql';
import { GRAPHIQL_EXAMPLES } from '../../src/graphql/graphiql-examples';
import { getSchema } from '../../src/graphql/schema';
import { createCustomer } from '../factories/bank.factory';
import { createTestApp, TestApp } from '../helpers/test-app';

// The examples are what analysts see first; a schema change that breaks one must fail here, not in front of them.
describe.each(GRAPHIQL_EXAMPLES.map((example) => [example.name, example] as const))('GraphiQL example "%s"', (_name, example) => {
  it('is valid against the schema', async () => {
    const schema = await getSchema();
    const document = parse(example.query);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });

  it('comes with variables its operation accepts', async () => {
    const schema = await getSchema();
    const operation = parse(example.query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const inputs = example.variables ? JSON.parse(example.variables) : {};
    const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], inputs);
    expect(coerced.errors?.map((e) => e.message)).toBeUndefined();
  });
});

describe('GraphiQL examples against the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createCustomer(t.db.dataSource, { fullName: 'Example Person', interests: ['travel'], incomeBand: 'LOW' });
  });
  afterAll(async () => {
    await t?.close();
  });

  // Validation alone misses what the server adds on top (filter compilation, cost or depth limits).
  it.each(GRAPHIQL_EXAMPLES.map((example) => [example.name, example] as const))('"%s" runs without errors', async (_name, example) => {
    const { status, body } = await t.gql(example.query, example.variables ? JSON.parse(example.variables) : undefined);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data).toBeTruthy();
  });

  it('opens the Customer 360 on a customer that exists in a seeded database', async () => {
    const [first] = GRAPHIQL_EXAMPLES;
    const { body } = await t.gql(first.query, JSON.parse(first.variables ?? '{}'));
    expect(body.data?.customer?.fullName).toBe('Example Person');
  });
});
