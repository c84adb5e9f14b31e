import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { CustomerAnnualStatementResolver, PartnerSpendingResolver } from './annual-statement.resolver';
import { CustomerPaymentChannelsResolver, PaymentChannelStatsResolver } from './payment-channels.resolver';
import { Branch } from '../branch/dto/branch.type';
import { Account } from '../core-banking/dto/account.type';
import { Customer } from '../customer/dto/customer.type';
import { CustomerView } from '../customer/customer.service';
import { Partner } from '../partner/dto/partner.type';
import { InteractionChannel as Channel } from './interaction.entity';
import { BranchFollowUpCountRow } from './service-history.repository';
import { ContactPressureView, FollowUpView, InteractionView, TimelineEventView } from './service-history.service';
import { ContactDecision, ContactPressure } from './dto/contact-pressure.type';
import { BranchFollowUpCount, FollowUp, FollowUpConnection } from './dto/follow-up.type';
import { Interaction } from './dto/interaction.type';
import {
  CompleteFollowUpArgs,
  CreateFollowUpArgs,
  CustomerFollowUpsArgs,
  FollowUpWorkListArgs,
  RecordInteractionInput,
  ServiceHistoryArgs,
} from './dto/service-history.args';
import { InteractionChannel } from './dto/service-history.enums';
import { AccountClosedEvent, AccountOpenedEvent, FirstPartnerPurchaseEvent, LoanGrantedEvent, TimelineEventConnection } from './dto/timeline.type';

@Resolver(() => Customer)
export class CustomerServiceHistoryResolver {
  @FieldResolver(() => TimelineEventConnection, {
    nullable: true,
    description: 'Interactions and significant events (accounts, loans, mobile banking, partners) in one timeline, newest first by default.',
  })
  serviceHistory(@Root() customer: CustomerView, @Args() args: ServiceHistoryArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.timelineOf(customer.localId, args);
  }

  @FieldResolver(() => FollowUpConnection, { nullable: true, description: 'Follow-ups, earliest due first. Null for partners.' })
  followUps(@Root() customer: CustomerView, @Args() args: CustomerFollowUpsArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.followUpsOf(customer.localId, args);
  }

  @FieldResolver(() => ContactPressure, { nullable: true, description: 'Marketing pressure on the customer and whether they may be contacted. Null for partners.' })
  contactPressure(@Root() customer: CustomerView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.contactPressureOf(customer.localId);
  }
}

@Resolver(() => ContactPressure)
export class ContactPressureResolver {
  @FieldResolver(() => ContactDecision, { description: 'Whether the contact policy allows a marketing contact on this channel now.' })
  canContact(@Root() pressure: ContactPressureView, @Arg('channel', () => InteractionChannel) channel: Channel, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.decide(pressure, channel);
  }
}

@Resolver(() => Interaction)
export class InteractionResolver {
  @FieldResolver(() => Branch, { nullable: true })
  branch(@Root() interaction: InteractionView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.branch.byLocalId(interaction.branchId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() interaction: InteractionView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customer.getByLocalId(interaction.customerId);
  }
}

@Resolver(() => FollowUp)
export class FollowUpResolver {
  @FieldResolver(() => Branch, { nullable: true })
  branch(@Root() followUp: FollowUpView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.branch.byLocalId(followUp.branchId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() followUp: FollowUpView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.customer.getByLocalId(followUp.customerId);
  }
}

@Resolver(() => BranchFollowUpCount)
export class BranchFollowUpCountResolver {
  @FieldResolver(() => Branch, { nullable: true })
  branch(@Root() row: BranchFollowUpCountRow, @Ctx() ctx: GraphQLContext) {
    return ctx.services.branch.byLocalId(row.branchId);
  }
}

const eventAccount = (event: TimelineEventView, ctx: GraphQLContext) =>
  ctx.services.coreBanking.account({ customerId: event.customerId, id: String(event.accountId) });

@Resolver(() => AccountOpenedEvent)
export class AccountOpenedEventResolver {
  @FieldResolver(() => Account, { nullable: true })
  account(@Root() event: TimelineEventView, @Ctx() ctx: GraphQLContext) {
    return eventAccount(event, ctx);
  }
}

@Resolver(() => AccountClosedEvent)
export class AccountClosedEventResolver {
  @FieldResolver(() => Account, { nullable: true })
  account(@Root() event: TimelineEventView, @Ctx() ctx: GraphQLContext) {
    return eventAccount(event, ctx);
  }
}

@Resolver(() => LoanGrantedEvent)
export class LoanGrantedEventResolver {
  @FieldResolver(() => Account, { nullable: true, description: 'The LOAN account the loan is booked on.' })
  account(@Root() event: TimelineEventView, @Ctx() ctx: GraphQLContext) {
    return eventAccount(event, ctx);
  }
}

@Resolver(() => FirstPartnerPurchaseEvent)
export class FirstPartnerPurchaseEventResolver {
  @FieldResolver(() => Partner, { nullable: true })
  partner(@Root() event: TimelineEventView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.partner.byLocalId(String(event.partnerId));
  }
}

@Resolver()
export class ServiceHistoryResolver {
  @Mutation(() => Interaction, { description: 'Records an interaction; idempotent when a sourceKey is given.' })
  recordInteraction(@Arg('input', () => RecordInteractionInput) input: RecordInteractionInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.recordInteraction(input);
  }

  @Mutation(() => FollowUp)
  createFollowUp(@Args() args: CreateFollowUpArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.createFollowUp(args);
  }

  @Mutation(() => FollowUp, { description: 'Completes an open follow-up; CONFLICT when it is completed already.' })
  completeFollowUp(@Args() args: CompleteFollowUpArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.completeFollowUp(args.id, args.outcome, args.channel ?? null);
  }

  @Query(() => FollowUpConnection, { description: 'A work list of follow-ups across customers, earliest due first.' })
  followUps(@Args() args: FollowUpWorkListArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.workList(args);
  }

  @Query(() => [BranchFollowUpCount], { description: 'Open and overdue follow-ups per branch, most overdue first.' })
  overdueFollowUpCounts(@Arg('owner', () => String, { nullable: true }) owner: string | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.serviceHistory.followUpCountsByBranch(owner ?? null);
  }

  @Query(() => ContactDecision, { description: 'Whether the contact policy allows a marketing contact with this customer on this channel now.' })
  canContact(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('channel', () => InteractionChannel) channel: Channel,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.serviceHistory.canContact(customerId, channel);
  }
}

export const SERVICE_HISTORY_RESOLVERS = [
  CustomerServiceHistoryResolver,
  ContactPressureResolver,
  InteractionResolver,
  FollowUpResolver,
  BranchFollowUpCountResolver,
  AccountOpenedEventResolver,
  AccountClosedEventResolver,
  LoanGrantedEventResolver,
  FirstPartnerPurchaseEventResolver,
  ServiceHistoryResolver,
  CustomerAnnualStatementResolver,
  PartnerSpendingResolver,
  CustomerPaymentChannelsResolver,
  PaymentChannelStatsResolver,
];
