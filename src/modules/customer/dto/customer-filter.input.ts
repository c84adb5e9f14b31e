import { Field, Float, InputType, Int, registerEnumType } from 'type-graphql';
import { Channel, CounterpartyKind, Gender, IncomeBand, LoanStatus, ProductType, StandingOrderPurpose } from '../../../graphql/enums';
import { DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';
import { InteractionChannel, InteractionKind } from '../../service-history/dto/service-history.enums';
import { ACTIVITY_DIRECTIONS, ACTIVITY_KINDS, SHARE_MEASURES } from '../filter/behaviour.fields';

const enumOf = <T extends readonly string[]>(values: T) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };
export const ActivityKind = enumOf(ACTIVITY_KINDS);
export const ActivityDirection = enumOf(ACTIVITY_DIRECTIONS);
export const ShareMeasure = enumOf(SHARE_MEASURES);
registerEnumType(ActivityKind, { name: 'ActivityKind', description: 'Which events count as activity; ANY is all three.' });
registerEnumType(ActivityDirection, { name: 'ActivityDirection', description: 'IN: credits (amount > 0); OUT: debits.' });
registerEnumType(ShareMeasure, { name: 'ShareMeasure', description: 'A share of the number of payments (COUNT) or of their money (AMOUNT).' });

/* Hasura-style boolean expressions: each field takes a comparison object; operators inside one object AND together. */

@InputType()
export class StringComparison {
  @Field(() => String, { nullable: true }) _eq?: string | null;
  @Field(() => String, { nullable: true }) _neq?: string | null;
  @Field(() => [String], { nullable: true }) _in?: string[] | null;
  @Field(() => [String], { nullable: true }) _nin?: string[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring match.' }) _contains?: string | null;
}

@InputType()
export class IntComparison {
  @Field(() => Int, { nullable: true }) _eq?: number | null;
  @Field(() => Int, { nullable: true }) _neq?: number | null;
  @Field(() => Int, { nullable: true }) _gt?: number | null;
  @Field(() => Int, { nullable: true }) _gte?: number | null;
  @Field(() => Int, { nullable: true }) _lt?: number | null;
  @Field(() => Int, { nullable: true }) _lte?: number | null;
  @Field(() => [Int], { nullable: true }) _in?: number[] | null;
  @Field(() => [Int], { nullable: true }) _nin?: number[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType()
export class DateTimeComparison {
  @Field(() => DateTimeScalar, { nullable: true }) _eq?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _neq?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _gt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _gte?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _lt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) _lte?: Date | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType()
export class GenderComparison {
  @Field(() => Gender, { nullable: true }) _eq?: string | null;
  @Field(() => Gender, { nullable: true }) _neq?: string | null;
  @Field(() => [Gender], { nullable: true }) _in?: string[] | null;
  @Field(() => [Gender], { nullable: true }) _nin?: string[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType()
export class IncomeBandComparison {
  @Field(() => IncomeBand, { nullable: true }) _eq?: string | null;
  @Field(() => IncomeBand, { nullable: true }) _neq?: string | null;
  @Field(() => [IncomeBand], { nullable: true }) _in?: string[] | null;
  @Field(() => [IncomeBand], { nullable: true }) _nin?: string[] | null;
  @Field(() => Boolean, { nullable: true }) _is_null?: boolean | null;
}

@InputType({ description: 'Money compared as exact decimals.' })
export class MoneyComparison {
  @Field(() => MoneyScalar, { nullable: true }) _eq?: string | null;
  @Field(() => MoneyScalar, { nullable: true }) _neq?: string | null;
  @Field(() => MoneyScalar, { nullable: true }) _gt?: string | null;
  @Field(() => MoneyScalar, { nullable: true }) _gte?: string | null;
  @Field(() => MoneyScalar, { nullable: true }) _lt?: string | null;
  @Field(() => MoneyScalar, { nullable: true }) _lte?: string | null;
}

@InputType({ description: 'Ratios and fractions, compared exactly (0.3 means 3 in 10).' })
export class FloatComparison {
  @Field(() => Float, { nullable: true }) _eq?: number | null;
  @Field(() => Float, { nullable: true }) _neq?: number | null;
  @Field(() => Float, { nullable: true }) _gt?: number | null;
  @Field(() => Float, { nullable: true }) _gte?: number | null;
  @Field(() => Float, { nullable: true }) _lt?: number | null;
  @Field(() => Float, { nullable: true }) _lte?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'True: the ratio is undefined (nothing to divide by).' }) _is_null?: boolean | null;
}

@InputType({ description: 'Holds at least one account (not CLOSED) of this product type / of one of these.' })
export class ProductTypeHolding {
  @Field(() => ProductType, { nullable: true }) _eq?: string | null;
  @Field(() => [ProductType], { nullable: true }) _in?: string[] | null;
}

@InputType({ description: 'Has at least one loan in this status / in one of these.' })
export class LoanStatusHolding {
  @Field(() => LoanStatus, { nullable: true }) _eq?: string | null;
  @Field(() => [LoanStatus], { nullable: true }) _in?: string[] | null;
}

@InputType({ description: 'Has at least one standing order (on an account not CLOSED) with this purpose / with one of these.' })
export class StandingOrderPurposeHolding {
  @Field(() => StandingOrderPurpose, { nullable: true }) _eq?: string | null;
  @Field(() => [StandingOrderPurpose], { nullable: true }) _in?: string[] | null;
}

@InputType({ description: 'Segment membership as of the last refresh. _eq/_in: member of it / of any; _neq/_nin: of none.' })
export class SegmentMembershipComparison {
  @Field(() => String, { nullable: true }) _eq?: string | null;
  @Field(() => String, { nullable: true }) _neq?: string | null;
  @Field(() => [String], { nullable: true }) _in?: string[] | null;
  @Field(() => [String], { nullable: true }) _nin?: string[] | null;
}

@InputType({
  description:
    'Events in the last withinDays days (up to now). Without count/amount/activePeriods: at least one event. ' +
    'channel, counterpartyKind and direction apply to TRANSACTION; partner (codes) to PARTNER_PURCHASE.',
})
export class ActivityFilter {
  @Field(() => ActivityKind, { defaultValue: 'ANY' }) kind: string;
  @Field(() => Int, { description: '1 to 3660.' }) withinDays: number;
  @Field(() => IntComparison, { nullable: true, description: 'Number of matching events.' }) count?: IntComparison | null;
  @Field(() => MoneyComparison, { nullable: true, description: 'Total absolute amount of matching events.' }) amount?: MoneyComparison | null;
  @Field(() => [Channel], { nullable: true }) channel?: string[] | null;
  @Field(() => [CounterpartyKind], { nullable: true }) counterpartyKind?: string[] | null;
  @Field(() => ActivityDirection, { nullable: true }) direction?: string | null;
  @Field(() => [String], { nullable: true, description: 'Partner codes.' }) partner?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Splits the window into periods of this many days, counting back from now (regularity).' })
  periodDays?: number | null;
  @Field(() => IntComparison, { nullable: true, description: 'Number of periods with at least one matching event.' })
  activePeriods?: IntComparison | null;
}

@InputType({ description: 'Events in the last withinDays days against the withinDays days before: ratio = recent / previous counts.' })
export class ActivityTrendFilter {
  @Field(() => ActivityKind, { defaultValue: 'ANY' }) kind: string;
  @Field(() => Int, { description: '1 to 1830.' }) withinDays: number;
  @Field(() => FloatComparison, { description: 'Null (undefined) when there was nothing in the previous window.' }) ratio: FloatComparison;
}

@InputType({ description: 'Share of outgoing payments (debits) in the window that went to these counterparty kinds.' })
export class OutgoingShareFilter {
  @Field(() => [CounterpartyKind]) counterpartyKind: string[];
  @Field(() => Int) withinDays: number;
  @Field(() => FloatComparison, { description: 'A fraction: 0.3 is 30%. Null when there were no outgoing payments.' }) share: FloatComparison;
  @Field(() => ShareMeasure, { defaultValue: 'COUNT' }) measure: string;
}

@InputType({ description: 'Interactions with the bank in the last withinDays days (up to now). Without count: at least one.' })
export class ContactFilter {
  @Field(() => [InteractionKind], { nullable: true }) kind?: string[] | null;
  @Field(() => [InteractionChannel], { nullable: true }) channel?: string[] | null;
  @Field(() => Int, { description: '1 to 3660.' }) withinDays: number;
  @Field(() => IntComparison, { nullable: true, description: 'Number of matching interactions.' }) count?: IntComparison | null;
}

@InputType({
  description:
    'Lifetime value. probabilityAlive, expectedTransactions (next 12 months) and predictedValue (12 months, discounted) are the current ' +
    'model’s stored scores; customers it did not score have none. realised: realised value over the last realisedWithinDays days up to now.',
})
export class LifetimeValueFilter {
  @Field(() => FloatComparison, { nullable: true, description: 'A probability in [0, 1]; _is_null: true finds unscored customers.' })
  probabilityAlive?: FloatComparison | null;
  @Field(() => FloatComparison, { nullable: true }) expectedTransactions?: FloatComparison | null;
  @Field(() => MoneyComparison, { nullable: true }) predictedValue?: MoneyComparison | null;
  @Field(() => MoneyComparison, { nullable: true }) realised?: MoneyComparison | null;
  @Field(() => Int, { nullable: true, description: '1 to 3660; default 365.' }) realisedWithinDays?: number | null;
}

@InputType({ description: 'Comparisons on a tag list such as interests.' })
export class TagsComparison {
  @Field(() => [String], { nullable: true, description: 'Has all of these tags.' }) _contains?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Has at least one of these tags.' }) _overlaps?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Has no tags at all.' }) _is_empty?: boolean | null;
}

@InputType({ description: 'A boolean expression over customers, in the style of Hasura. An empty object matches everyone.' })
export class CustomerFilter {
  @Field(() => [CustomerFilter], { nullable: true }) _and?: CustomerFilter[] | null;
  @Field(() => [CustomerFilter], { nullable: true }) _or?: CustomerFilter[] | null;
  @Field(() => CustomerFilter, { nullable: true }) _not?: CustomerFilter | null;

  @Field(() => StringComparison, { nullable: true }) fullName?: StringComparison | null;
  @Field(() => IntComparison, { nullable: true, description: 'Age in whole years today.' }) age?: IntComparison | null;
  @Field(() => GenderComparison, { nullable: true }) gender?: GenderComparison | null;
  @Field(() => StringComparison, { nullable: true }) occupation?: StringComparison | null;
  @Field(() => IncomeBandComparison, { nullable: true }) incomeBand?: IncomeBandComparison | null;
  @Field(() => StringComparison, { nullable: true }) city?: StringComparison | null;
  @Field(() => StringComparison, { nullable: true }) region?: StringComparison | null;
  @Field(() => TagsComparison, { nullable: true }) interests?: TagsComparison | null;
  @Field(() => StringComparison, { nullable: true, description: 'The home branch’s code.' }) homeBranch?: StringComparison | null;
  @Field(() => DateTimeComparison, { nullable: true }) customerSince?: DateTimeComparison | null;

  // Holdings: accounts whose status is not CLOSED, as they stand now.
  @Field(() => ProductTypeHolding, { nullable: true }) hasProductType?: ProductTypeHolding | null;
  @Field(() => LoanStatusHolding, { nullable: true }) hasLoanStatus?: LoanStatusHolding | null;
  @Field(() => StandingOrderPurposeHolding, { nullable: true }) hasStandingOrderPurpose?: StandingOrderPurposeHolding | null;
  @Field(() => MoneyComparison, { nullable: true, description: 'Sum of the balances of held accounts (loans and cards count negative).' })
  totalBalance?: MoneyComparison | null;
  @Field(() => IntComparison, { nullable: true, description: 'Number of held accounts.' }) accountCount?: IntComparison | null;
  @Field(() => FloatComparison, {
    nullable: true,
    description: 'Share of all customers whose total balance is strictly lower, in [0, 1): { _gte: 0.95 } is the top 5%.',
  })
  balancePercentile?: FloatComparison | null;

  // Behaviour, relative to now.
  @Field(() => ActivityFilter, { nullable: true }) activity?: ActivityFilter | null;
  @Field(() => IntComparison, { nullable: true, description: 'Whole days since the latest event of any kind; null when there was none.' })
  daysSinceLastActivity?: IntComparison | null;
  @Field(() => ActivityTrendFilter, { nullable: true }) activityTrend?: ActivityTrendFilter | null;
  @Field(() => OutgoingShareFilter, { nullable: true }) outgoingShare?: OutgoingShareFilter | null;

  // Mobile banking and segments.
  @Field(() => Boolean, { nullable: true, description: 'Enrolled in mobile banking (on or before now).' }) mobileEnrolled?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Activated the mobile app (on or before now).' }) mobileActivated?: boolean | null;
  @Field(() => SegmentMembershipComparison, { nullable: true }) segment?: SegmentMembershipComparison | null;

  // Service history.
  @Field(() => ContactFilter, { nullable: true }) contact?: ContactFilter | null;
  @Field(() => IntComparison, { nullable: true, description: 'Whole days since the latest interaction; null when there was none.' })
  daysSinceLastContact?: IntComparison | null;
  @Field(() => Boolean, { nullable: true, description: 'More marketing contacts in the contact policy’s window than it allows (see docs/service-history.md).' })
  overContacted?: boolean | null;

  // Lifetime value.
  @Field(() => LifetimeValueFilter, { nullable: true }) lifetimeValue?: LifetimeValueFilter | null;
}
