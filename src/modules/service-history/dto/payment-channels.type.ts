import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CounterpartyKind } from '../../../graphql/enums';
import { DateTimeScalar, DecimalScalar, MoneyScalar } from '../../../graphql/scalars';
import { PAYMENT_TRENDS } from '../payment-channels';
import { PAYMENT_GROUPINGS } from '../payment-channels.repository';

export const PaymentTrend = Object.fromEntries(PAYMENT_TRENDS.map((v) => [v, v])) as { [K in (typeof PAYMENT_TRENDS)[number]]: K };
export const PaymentGroupBy = Object.fromEntries(Object.keys(PAYMENT_GROUPINGS).map((v) => [v, v])) as { [K in keyof typeof PAYMENT_GROUPINGS]: K };
registerEnumType(PaymentTrend, {
  name: 'PaymentTrend',
  description: 'Against the previous window: NEW/GONE when the amount starts from or falls to zero, UP/DOWN when the share moves by more than 1 point.',
});
registerEnumType(PaymentGroupBy, { name: 'PaymentGroupBy', description: 'How paymentChannelStats groups customers.' });

@ObjectType({ description: 'Outgoing payments to one kind of counterparty (platforms: one entry per platform).' })
export class PaymentChannelShare {
  @Field(() => CounterpartyKind)
  counterpartyKind: string;

  @Field(() => String, { nullable: true, description: 'The platform, e.g. "Alipay" or "WeChat Pay"; null for other kinds.' })
  platform: string | null;

  @Field()
  label: string;

  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => Int)
  transactions: number;

  @Field(() => DecimalScalar, { description: 'Share of outgoing payments in the window, 0 to 1.' })
  share: string;

  @Field(() => MoneyScalar)
  previousAmount: string;

  @Field(() => Int)
  previousTransactions: number;

  @Field(() => DecimalScalar)
  previousShare: string;

  @Field(() => DecimalScalar, { description: 'share - previousShare.' })
  shareChange: string;

  @Field(() => PaymentTrend)
  trend: string;
}

@ObjectType({
  description:
    'Where outgoing payments went in the last withinDays days and in the window before: own bank, other banks, third-party platforms by name, merchants. Cash, fees and taxes are left out.',
})
export class PaymentChannels {
  @Field(() => Int)
  withinDays: number;

  @Field(() => DateTimeScalar)
  from: Date;

  @Field(() => DateTimeScalar, { description: 'Exclusive.' })
  to: Date;

  @Field(() => DateTimeScalar, { description: 'Start of the previous window, which ends at from.' })
  previousFrom: Date;

  @Field(() => MoneyScalar)
  totalOutgoing: string;

  @Field(() => MoneyScalar)
  previousTotalOutgoing: string;

  @Field(() => DecimalScalar, { description: 'Share of outgoing money that went through third-party platforms: the leakage.' })
  thirdPartyShare: string;

  @Field(() => DecimalScalar)
  previousThirdPartyShare: string;

  @Field(() => PaymentTrend)
  thirdPartyTrend: string;

  @Field(() => [PaymentChannelShare], { description: 'Biggest first.' })
  channels: PaymentChannelShare[];
}

@ObjectType()
export class PaymentChannelGroup {
  @Field(() => PaymentGroupBy)
  groupBy: string;

  @Field(() => String, { nullable: true, description: 'Region name, branch code or segment key; null for customers without a region or branch.' })
  key: string | null;

  @Field(() => Int, { description: 'Customers with outgoing payments in the window.' })
  customers: number;

  @Field(() => Int, { description: 'Of those, customers who paid through a third-party platform.' })
  platformCustomers: number;

  @Field(() => PaymentChannels)
  channels: PaymentChannels;
}
