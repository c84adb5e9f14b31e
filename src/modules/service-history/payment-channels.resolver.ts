import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { DateTimeScalar } from '../../graphql/scalars';
import { CustomerView } from '../customer/customer.service';
import { Customer } from '../customer/dto/customer.type';
import { PaymentChannelGroup, PaymentChannels, PaymentGroupBy } from './dto/payment-channels.type';
import { PaymentGrouping } from './payment-channels.repository';
import { DEFAULT_WINDOW_DAYS } from './payment-channels.service';

@Resolver(() => Customer)
export class CustomerPaymentChannelsResolver {
  @FieldResolver(() => PaymentChannels, { nullable: true, description: 'Where this customer’s outgoing payments go, against the previous window.' })
  paymentChannels(
    @Root() customer: CustomerView,
    @Arg('withinDays', () => Int, { defaultValue: DEFAULT_WINDOW_DAYS }) withinDays: number,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'End of the window; now by default.' }) asOf: Date | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.paymentChannels.channelsOf(customer.localId, { withinDays, asOf });
  }
}

@Resolver()
export class PaymentChannelStatsResolver {
  @Query(() => [PaymentChannelGroup], { description: 'Payment channel shares per region, home branch or segment, biggest group first.' })
  paymentChannelStats(
    @Arg('groupBy', () => PaymentGroupBy) groupBy: PaymentGrouping,
    @Arg('withinDays', () => Int, { defaultValue: DEFAULT_WINDOW_DAYS }) withinDays: number,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf: Date | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.paymentChannels.statsBy(groupBy, { withinDays, asOf });
  }
}
