import { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import { DomainException } from '../../../src/common/errors';
import { getSchema } from '../../../src/graphql/schema';
import { AccessPolicy } from '../../../src/modules/access/access-policy';
import { ROOT_FIELD_ROLES } from '../../../src/modules/access/access-rules';
import { Principal, Role, ROLES } from '../../../src/modules/access/principal';

function principal(role: Role): Principal {
  return { keyId: '1', keyName: role, role, partnerId: role === 'PARTNER' ? '1' : null, partnerCode: role === 'PARTNER' ? 'p' : null, scopes: [] };
}

/** Calls the wrapped root resolver and tells whether the role gate let it through. */
async function gate(type: GraphQLObjectType, field: string, role: Role): Promise<'allowed' | 'forbidden'> {
  const resolve = type.getFields()[field].resolve!;
  const ctx = { access: new AccessPolicy(principal(role), null), principal: principal(role), services: new Proxy({}, { get: () => new Proxy({}, { get: () => () => Promise.resolve(null) }) }) };
  try {
    await resolve(undefined, {}, ctx, { fieldName: field } as GraphQLResolveInfo);
    return 'allowed';
  } catch (error) {
    if (error instanceof DomainException && error.code === 'FORBIDDEN') return 'forbidden';
    return 'allowed'; // got past the gate and failed on the stub services: that is "allowed"
  }
}

describe('role matrix over every root field of the schema', () => {
  it('classifies every root field: a new query or mutation must be added to access-rules.ts', async () => {
    const schema = await getSchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()].filter(Boolean) as GraphQLObjectType[];
    const names = roots.flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`));
    const unclassified = names.filter((n) => !(n in ROOT_FIELD_ROLES));
    expect(unclassified).toEqual([]);
  });

  it('lets each role through exactly the root fields the table grants it', async () => {
    const schema = await getSchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()].filter(Boolean) as GraphQLObjectType[];
    const mismatches: string[] = [];
    for (const type of roots) {
      for (const field of Object.keys(type.getFields())) {
        const allowedRoles = ROOT_FIELD_ROLES[`${type.name}.${field}`] ?? ['ADMIN'];
        for (const role of ROLES) {
          const expected = allowedRoles.includes(role) ? 'allowed' : 'forbidden';
          const actual = await gate(type, field, role);
          if (actual !== expected) mismatches.push(`${role} ${type.name}.${field}: ${actual}, expected ${expected}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps key management and the audit trail admin-only and bulk analytics away from front-end keys', () => {
    for (const field of ['Mutation.createApiKey', 'Mutation.revokeApiKey', 'Mutation.rotateApiKey', 'Query.apiKeys', 'Query.auditLog', 'Mutation.registerPersistedOperation']) {
      expect(ROOT_FIELD_ROLES[field]).toEqual(['ADMIN']);
    }
    for (const field of ['Query.customerStats', 'Query.paymentChannelStats', 'Mutation.refreshSegments', 'Mutation.fitLifetimeValueModel']) {
      expect(ROOT_FIELD_ROLES[field]).not.toContain('FRONTEND');
    }
  });
});
