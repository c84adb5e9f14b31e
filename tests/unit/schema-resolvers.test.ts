import { GraphQLObjectType } from 'graphql';
import { getSchema } from '../../src/graphql/schema';

describe('schema resolvers', () => {
  it('leaves plain fields to graphql’s default resolver and keeps real field resolvers', async () => {
    const schema = await getSchema();
    const customer = schema.getType('Customer') as GraphQLObjectType;
    const account = schema.getType('Account') as GraphQLObjectType;
    expect(account.getFields().productType.resolve).toBeUndefined();
    expect(account.getFields().transactions.resolve).toBeInstanceOf(Function);
    // Access rules wrap Customer fields; the wrapped resolver must still exist.
    expect(customer.getFields().accounts.resolve).toBeInstanceOf(Function);
    const plainWithResolver = Object.values(schema.getTypeMap())
      .filter((t): t is GraphQLObjectType => t instanceof GraphQLObjectType && !t.name.startsWith('__'))
      .flatMap((t) => Object.values(t.getFields()).filter((f) => f.resolve?.toString().includes('root[fieldMetadata.name]')).map((f) => `${t.name}.${f.name}`));
    expect(plainWithResolver).toEqual([]);
  });
});
