import { GraphQLError, GraphQLResolveInfo, parse, validate } from 'graphql';
import { Arg, Args, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { badInput } from '../../common/errors';
import { localIdOf, toGlobalId } from '../../common/global-id';
import { GraphQLContext } from '../../graphql/context';
import { operationId } from '../../graphql/http/persisted-operations';
import { ApiKeyRow, ConsentRow } from './access.repository';
import { ApiKey, AuditEntry, AuditLogArgs, Consent, CreateApiKeyInput, CreatedApiKey, GrantConsentInput, PersistedOperation } from './dto/access.types';
import { Role } from './principal';

const toApiKey = (row: ApiKeyRow) => ({ ...row, rotatedFromId: row.rotatedFromId });
const toConsent = (row: ConsentRow) => ({ ...row, customerId: toGlobalId('Customer', row.customerId) });

/** Keys, consent, audit and the partner operation registry. Who may call what: modules/access/access-rules.ts. */
@Resolver()
export class AccessResolver {
  @Query(() => [ApiKey])
  async apiKeys(@Ctx() ctx: GraphQLContext) {
    return (await ctx.services.access.apiKeys.list()).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey)
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: GraphQLContext) {
    const created = await ctx.services.access.apiKeys.create({ ...input, role: input.role as Role });
    return { apiKey: toApiKey(created.key), secret: created.plaintext };
  }

  @Mutation(() => ApiKey)
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return toApiKey(await ctx.services.access.apiKeys.revoke(id));
  }

  @Mutation(() => CreatedApiKey, { description: 'A new key with the same rights; the old one keeps working for overlapSeconds.' })
  async rotateApiKey(
    @Arg('id', () => ID) id: string,
    @Arg('overlapSeconds', () => Int, { defaultValue: 86_400 }) overlapSeconds: number,
    @Ctx() ctx: GraphQLContext,
  ) {
    const created = await ctx.services.access.apiKeys.rotate(id, overlapSeconds);
    return { apiKey: toApiKey(created.key), secret: created.plaintext };
  }

  @Mutation(() => Consent)
  async grantConsent(@Arg('input') input: GrantConsentInput, @Ctx() ctx: GraphQLContext) {
    const customerId = localIdOf(input.customerId, 'Customer', 'input.customerId');
    return toConsent(await ctx.services.access.consent.grant({ ...input, customerId }));
  }

  @Mutation(() => Int, { description: 'Revokes the customer’s live consents for the partner; returns how many. Effective on the next request.' })
  async revokeConsent(@Arg('customerId', () => ID) customerId: string, @Arg('partnerCode') partnerCode: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.access.consent.revoke(localIdOf(customerId, 'Customer', 'customerId'), partnerCode);
  }

  @Query(() => [AuditEntry], { description: 'The audit trail, newest first.' })
  async auditLog(@Args() args: AuditLogArgs, @Ctx() ctx: GraphQLContext) {
    const limit = args.limit ?? 100;
    if (limit < 1 || limit > 1000) throw badInput('limit', 'limit must be between 1 and 1000');
    const customerId = args.customerId ? localIdOf(args.customerId, 'Customer', 'customerId') : null;
    const rows = await ctx.services.access.audit(args, customerId, limit);
    return rows.map((r) => ({ ...r, customerIds: r.customerIds.map((id) => toGlobalId('Customer', id)) }));
  }

  @Mutation(() => PersistedOperation, { description: 'Registers a document partners may run by its sha256 (documentId).' })
  async registerPersistedOperation(@Arg('name') name: string, @Arg('document') document: string, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo) {
    // Only documents valid against today's schema can be registered: a partner must never hit a broken one.
    let errors: readonly GraphQLError[];
    try {
      errors = validate(info.schema, parse(document));
    } catch (error) {
      throw badInput('document', `the document does not parse: ${(error as Error).message}`);
    }
    if (errors.length) throw badInput('document', `the document is not valid: ${errors.map((e) => e.message).join('; ')}`);
    await ctx.services.access.registerOperation(operationId(document), name, document);
    return { id: operationId(document), name };
  }
}
