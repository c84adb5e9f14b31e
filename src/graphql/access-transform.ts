import { defaultFieldResolver, GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { DomainException, ErrorCode } from '../common/errors';
import { PARTNER_FIELD_SCOPES, PII_FIELDS, rolesFor } from '../modules/access/access-rules';
import { maskEmail, maskIdentifier, maskPhone } from '../modules/access/masking';
import { seesPii } from '../modules/access/principal';
import { GraphQLContext } from './context';

const MASKS: Record<string, (value: string) => string> = {
  'Customer.email': maskEmail,
  'Customer.phone': maskPhone,
};

type Resolver = GraphQLFieldResolver<any, GraphQLContext>;

/**
 * Applies the authorisation table (modules/access/access-rules.ts) to the built schema by wrapping the
 * resolvers that need it: root fields check the caller's role, guarded types (Customer, Account) check a
 * partner's consent scopes, PII fields mask their value. Other fields keep their resolvers untouched,
 * so the cost falls only where a rule applies.
 */
export function applyAccessRules(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      const name = `${root.name}.${field.name}`;
      const roles = rolesFor(name);
      const resolve: Resolver = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        const { principal } = ctx.access;
        if (!roles.includes(principal.role)) {
          throw new DomainException(`Not permitted: the ${principal.role} role cannot use ${field.name}`, ErrorCode.FORBIDDEN, { field: field.name });
        }
        ctx.access.fields.add(name);
        return resolve(source, args, ctx, info);
      };
    }
  }

  const customer = schema.getType('Customer') as GraphQLObjectType | undefined;
  if (customer) {
    const rules = PARTNER_FIELD_SCOPES.Customer;
    for (const field of Object.values(customer.getFields())) {
      const name = `Customer.${field.name}`;
      const scope = rules[field.name];
      const mask = MASKS[name];
      const resolve: Resolver = field.resolve ?? defaultFieldResolver;
      field.resolve = (source: { localId: string }, args, ctx, info) => {
        const access = ctx.access;
        access.touchedCustomers.add(source.localId);
        access.fields.add(name);
        if (!access.isPartner && !mask) return resolve(source, args, ctx, info);
        return (async () => {
          if (access.isPartner) {
            if (!scope) throw new DomainException(`Not permitted: partners cannot read ${field.name}`, ErrorCode.FORBIDDEN, { field: field.name });
            if (scope !== 'ALWAYS') await access.requireScope(source.localId, scope, field.name);
          }
          const value = await resolve(source, args, ctx, info);
          if (!mask || value == null) return value;
          if (seesPii(access.principal)) {
            access.piiAccessed = true;
            return value;
          }
          return mask(String(value));
        })();
      };
    }
  }

  for (const [typeName, rules] of Object.entries(PARTNER_FIELD_SCOPES)) {
    if (typeName === 'Customer') continue;
    const type = schema.getType(typeName) as GraphQLObjectType | undefined;
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      if (rules[field.name]) continue;
      const resolve: Resolver = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        if (ctx.access.isPartner) {
          throw new DomainException(`Not permitted: partners cannot read ${typeName}.${field.name}`, ErrorCode.FORBIDDEN, { field: field.name });
        }
        return resolve(source, args, ctx, info);
      };
    }
  }

  // Identifier values on other types (e.g. resolved identities) are masked the same way.
  for (const name of PII_FIELDS) {
    if (MASKS[name]) continue;
    const [typeName, fieldName] = name.split('.');
    const type = schema.getType(typeName) as GraphQLObjectType | undefined;
    const field = type?.getFields()[fieldName];
    if (!field) continue;
    const resolve: Resolver = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, ctx, info) => {
      const value = await resolve(source, args, ctx, info);
      if (value == null) return value;
      if (seesPii(ctx.access.principal)) {
        ctx.access.piiAccessed = true;
        return value;
      }
      return maskIdentifier(String(value));
    };
  }
  return schema;
}
