import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../../common/global-id';
import { GraphQLContext } from '../../graphql/context';
import { CustomerView } from '../customer/customer.service';
import { Customer } from '../customer/dto/customer.type';
import { CustomerMerge, IngestRecordsInput, IngestResult, UnmergeResult } from './dto/ingest.types';

/** Small-batch ingestion and merge management for trusted integrations (admin keys). */
@Resolver(() => Customer)
export class IdentityResolver {
  @Mutation(() => IngestResult, { description: 'Loads up to 1 000 records through the same pipeline as `fattail ingest`.' })
  async ingestRecords(@Arg('input') input: IngestRecordsInput, @Ctx() ctx: GraphQLContext) {
    const result = await ctx.services.ingestion.ingestRecords(input.source, input.records, { partnerCode: input.partner ?? undefined });
    return { ...result, rejections: result.rejections.map((r) => ({ ...r, line: r.line })) };
  }

  @Mutation(() => UnmergeResult, { description: 'Splits a wrong merge back into the two customers it joined, exactly.' })
  async unmergeCustomer(@Arg('mergeId', () => ID) mergeId: string, @Ctx() ctx: GraphQLContext) {
    const { survivorId, restoredCustomerId } = await ctx.services.ingestion.identity.unmergeCustomer(mergeId);
    const [survivor, restored] = await Promise.all([
      ctx.services.customer.getByLocalId(survivorId),
      ctx.services.customer.getByLocalId(restoredCustomerId),
    ]);
    return { survivor, restored };
  }

  @FieldResolver(() => [CustomerMerge], { nullable: true, description: 'Customers merged into this one (undo with unmergeCustomer). Null for partners.' })
  async merges(@Root() customer: CustomerView, @Ctx() ctx: GraphQLContext) {
    const rows = await ctx.services.customer.merges(customer.localId);
    return rows.map((m) => ({ ...m, mergedCustomerId: toGlobalId('Customer', m.mergedCustomerId) }));
  }
}
