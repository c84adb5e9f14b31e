import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, NonEmptyArray } from 'type-graphql';
import { CONNECTION_RESOLVERS } from '../common/dto/connection.type';
import { AccessResolver } from '../modules/access/access.resolver';
import { IdentityResolver } from '../modules/identity/identity.resolver';
import { applyAccessRules } from './access-transform';
import '../graphql/enums';
import { BranchResolver } from '../modules/branch/branch.resolver';
import { AccountResolver, CardResolver, TransactionResolver } from '../modules/core-banking/core-banking.resolver';
import { CustomerResolver } from '../modules/customer/customer.resolver';
import { MobileBankingResolver } from '../modules/mobile-banking/mobile-banking.resolver';
import { NodeResolver } from '../modules/node/node.resolver';
import { PartnerResolver } from '../modules/partner/partner.resolver';
import { SEGMENT_RESOLVERS } from '../modules/segment/segment.resolver';
import { SegmentLifetimeValueResolver } from '../modules/lifetime-value/segment-lifetime-value.resolver';
import { SERVICE_HISTORY_RESOLVERS } from '../modules/service-history/service-history.resolver';
import { LIFETIME_VALUE_RESOLVERS } from '../modules/lifetime-value/lifetime-value.resolver';

export const RESOLVERS: NonEmptyArray<Function> = [
  CustomerResolver,
  AccountResolver,
  TransactionResolver,
  CardResolver,
  MobileBankingResolver,
  PartnerResolver,
  BranchResolver,
  NodeResolver,
  ...SEGMENT_RESOLVERS,
  SegmentLifetimeValueResolver,
  AccessResolver,
  IdentityResolver,
  ...SERVICE_HISTORY_RESOLVERS,
  ...LIFETIME_VALUE_RESOLVERS,
];

let cached: Promise<GraphQLSchema> | undefined;

/** The schema is built once per process; type-graphql's metadata is global anyway. */
export function getSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers: [...RESOLVERS, ...CONNECTION_RESOLVERS] as NonEmptyArray<Function>, validate: true })
    .then(dropPlainFieldResolvers)
    .then(applyAccessRules);
  return cached;
}

/**
 * type-graphql gives every plain property field a resolver of its own (it runs middlewares, of which
 * this schema has none on plain fields). graphql's default resolver reads the same property without the
 * extra call and allocation per field, which adds up on pages of thousands of objects.
 */
function dropPlainFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    if (type === schema.getQueryType() || type === schema.getMutationType()) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve && field.resolve.toString().includes('root[fieldMetadata.name]')) field.resolve = undefined;
    }
  }
  return schema;
}

/** The SDL committed as schema/schema.graphql (sorted, so diffs show real changes only). */
export async function printSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}
