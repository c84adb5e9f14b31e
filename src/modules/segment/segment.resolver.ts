import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/dto/page.args';
import { ConnectionData } from '../../common/pagination';
import { GraphQLContext } from '../../graphql/context';
import { DateTimeScalar } from '../../graphql/scalars';
import { Customer } from '../customer/dto/customer.type';
import { CustomerView } from '../customer/customer.service';
import { CustomerStats, CustomerStatsArgs } from './dto/customer-stats.type';
import { CreateSegmentInput, SegmentTransitionsArgs, UpdateSegmentInput } from './dto/segment.input';
import {
  MembershipExplanation,
  Segment,
  SegmentMemberConnection,
  SegmentMembership,
  SegmentRefresh,
  SegmentTransition,
  SegmentTransitionConnection,
} from './dto/segment.type';
import { MemberView, SegmentView, TransitionView } from './segment.service';

@Resolver(() => Segment)
export class SegmentResolver {
  @Query(() => [Segment], { description: 'Every segment, built-ins first, then by key.' })
  segments(@Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.list();
  }

  @Query(() => Segment, { nullable: true })
  segment(@Arg('key') key: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.byKey(key);
  }

  @Query(() => MembershipExplanation, { description: 'Which conditions of the segment hold for the customer, with the customer’s values.' })
  explainMembership(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('segmentKey') segmentKey: string,
    @Arg('now', () => DateTimeScalar, { nullable: true, description: 'Evaluate at this clock; default: now.' }) now: Date | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.segment.explain(customerId, segmentKey, now);
  }

  @Mutation(() => Segment, { description: 'Creates a segment and computes its members at once.' })
  createSegment(
    @Arg('input', () => CreateSegmentInput) input: CreateSegmentInput,
    @Arg('now', () => DateTimeScalar, { nullable: true }) now: Date | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.segment.create(input, now);
  }

  @Mutation(() => Segment)
  updateSegment(
    @Arg('key') key: string,
    @Arg('input', () => UpdateSegmentInput) input: UpdateSegmentInput,
    @Arg('now', () => DateTimeScalar, { nullable: true }) now: Date | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.segment.update(key, input, now);
  }

  @Mutation(() => Boolean, { description: 'Deletes a segment with its memberships and history. Built-ins cannot be deleted.' })
  deleteSegment(@Arg('key') key: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.delete(key);
  }

  @Mutation(() => SegmentRefresh, { description: 'Recomputes every segment in one transaction and records who entered and left.' })
  refreshSegments(@Arg('now', () => DateTimeScalar, { nullable: true, description: 'The clock to evaluate at; default: now.' }) now: Date | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.refreshAll({ now });
  }

  @FieldResolver(() => Int, { description: 'Members as of the last refresh.' })
  size(@Root() segment: SegmentView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.size(segment);
  }

  @FieldResolver(() => SegmentMemberConnection, { description: 'Members as of the last refresh, by customer id.' })
  async members(@Root() segment: SegmentView, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.segment.members(segment, args);
    return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: e.node.node, since: e.node.since })) };
  }

  @FieldResolver(() => SegmentTransitionConnection, { description: 'Entries and exits, oldest first.' })
  transitions(@Root() segment: SegmentView, @Args() args: SegmentTransitionsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.transitions(segment, args);
  }
}

@Resolver(() => SegmentMemberConnection)
export class SegmentMemberConnectionResolver {
  @FieldResolver(() => Int, { description: 'The segment’s size.' })
  totalCount(@Root() connection: ConnectionData<MemberView>): Promise<number> {
    return connection.count();
  }
}

@Resolver(() => SegmentTransition)
export class SegmentTransitionResolver {
  @FieldResolver(() => Customer, { nullable: true, description: 'Null when the customer is gone or not visible to the caller.' })
  customer(@Root() transition: TransitionView, @Ctx() ctx: GraphQLContext): Promise<CustomerView | null> {
    return ctx.services.segment.customerOf(transition);
  }

  @FieldResolver(() => Segment)
  segment(@Root() transition: TransitionView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.segmentOf(transition);
  }
}

@Resolver(() => Customer)
export class CustomerSegmentResolver {
  @FieldResolver(() => [SegmentMembership], { nullable: true, description: 'Segments the customer is in as of the last refresh, by key. Null for partners without SEGMENTS consent.' })
  segments(@Root() customer: CustomerView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.membershipsOf(customer.localId);
  }

  @FieldResolver(() => SegmentTransitionConnection, { nullable: true, description: 'Entries into and exits from segments, newest first. Null for partners.' })
  segmentHistory(@Root() customer: CustomerView, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.segment.historyOf(customer.localId, args);
  }
}

@Resolver()
export class CustomerStatsResolver {
  @Query(() => CustomerStats, { description: 'Grouped counts and balances of the customers a filter selects, computed in SQL.' })
  async customerStats(@Args() args: CustomerStatsArgs, @Ctx() ctx: GraphQLContext) {
    const stats = await ctx.services.customerStats.stats(args);
    return {
      groupBy: stats.groupBy,
      truncated: stats.truncated,
      rows: stats.rows.map((r) => ({
        group: r.group.map((value, i) => ({ dimension: stats.groupBy[i], value })),
        count: r.values.COUNT ?? null,
        sumBalance: r.values.SUM_BALANCE ?? null,
        avgBalance: r.values.AVG_BALANCE ?? null,
        minBalance: r.values.MIN_BALANCE ?? null,
        maxBalance: r.values.MAX_BALANCE ?? null,
        medianBalance: r.values.MEDIAN_BALANCE ?? null,
        avgAccountCount: r.values.AVG_ACCOUNT_COUNT ?? null,
        avgAge: r.values.AVG_AGE ?? null,
      })),
    };
  }
}

export const SEGMENT_RESOLVERS = [SegmentResolver, SegmentMemberConnectionResolver, SegmentTransitionResolver, CustomerSegmentResolver, CustomerStatsResolver];
