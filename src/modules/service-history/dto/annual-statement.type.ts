import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, DecimalScalar, MoneyScalar } from '../../../graphql/scalars';
import { Partner } from '../../partner/dto/partner.type';

@ObjectType()
export class SpendingCategory {
  @Field({ description: 'Merchant category code (ISO 18245), or the counterparty kind when there is none.' })
  code: string;

  @Field()
  label: string;

  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => Int)
  transactions: number;

  @Field(() => DecimalScalar, { description: 'Share of the year’s spending, 0 to 1.' })
  share: string;
}

@ObjectType()
export class MerchantSpending {
  @Field()
  name: string;

  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => Int)
  transactions: number;
}

@ObjectType()
export class PartnerSpending {
  @Field(() => Partner)
  partner: unknown;

  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => Int)
  purchases: number;

  @Field(() => DecimalScalar, { description: 'Assumed cashback rate for this partner (configuration).' })
  cashbackRate: string;

  @Field(() => MoneyScalar, { description: 'amount × cashbackRate, rounded to the cent.' })
  cashback: string;
}

@ObjectType()
export class PartnerBenefits {
  @Field(() => MoneyScalar)
  totalSpent: string;

  @Field(() => MoneyScalar)
  totalCashback: string;

  @Field(() => [PartnerSpending], { description: 'Every partner bought from this year, biggest first.' })
  partners: PartnerSpending[];
}

@ObjectType()
export class MobileMilestones {
  @Field(() => DateTimeScalar, { nullable: true })
  enrolledAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  activatedAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The first app session ever.' })
  firstLoginAt: Date | null;

  @Field({ description: 'The first session ever was in this year.' })
  firstLoginThisYear: boolean;

  @Field(() => Int, { description: 'App sessions this year.' })
  sessions: number;

  @Field(() => String, { nullable: true })
  mostUsedFeature: string | null;

  @Field(() => Int, { nullable: true, description: 'Sessions that used the most used feature.' })
  mostUsedFeatureSessions: number | null;

  @Field(() => Int, { nullable: true, description: 'Month (1-12, bank time zone) with the most sessions; the earliest on a tie.' })
  busiestMonth: number | null;

  @Field(() => Int, { nullable: true })
  busiestMonthSessions: number | null;
}

@ObjectType({ description: 'Savings and time-deposit accounts; balances are estimated back from today’s balance and the bookings since.' })
export class SavingsGrowth {
  @Field(() => Int)
  accounts: number;

  @Field(() => MoneyScalar)
  openingBalance: string;

  @Field(() => MoneyScalar)
  closingBalance: string;

  @Field(() => MoneyScalar, { description: 'closingBalance - openingBalance: everything booked on these accounts this year.' })
  netFlow: string;

  @Field(() => MoneyScalar)
  interestEarned: string;
}

@ObjectType()
export class StatementPurchase {
  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => DateTimeScalar)
  bookedAt: Date;

  @Field(() => String, { nullable: true })
  counterpartyName: string | null;

  @Field(() => String, { nullable: true })
  merchantCategoryCode: string | null;
}

@ObjectType()
export class RepaidLoan {
  @Field(() => MoneyScalar)
  principal: string;

  @Field(() => DateTimeScalar)
  grantedAt: Date;

  @Field(() => DateTimeScalar)
  repaidAt: Date;
}

@ObjectType()
export class NotableMoments {
  @Field(() => StatementPurchase, { nullable: true, description: 'The biggest payment to a merchant or platform.' })
  largestPurchase: StatementPurchase | null;

  @Field(() => RepaidLoan, { nullable: true, description: 'Set when the customer’s first ever repaid loan was paid off this year.' })
  firstLoanRepaid: RepaidLoan | null;

  @Field(() => Int)
  accountsOpened: number;

  @Field(() => Int, { description: 'Partners bought from for the first time this year.' })
  newPartners: number;
}

@ObjectType({ description: 'A customer’s year in figures. A year without activity gives zeros and empty lists.' })
export class AnnualStatement {
  @Field(() => Int)
  year: number;

  @Field(() => DateTimeScalar, { description: '1 January, midnight, bank time zone.' })
  from: Date;

  @Field(() => DateTimeScalar, { description: 'The next 1 January (exclusive).' })
  to: Date;

  @Field()
  timeZone: string;

  @Field(() => MoneyScalar, { description: 'Credits to deposit accounts (current, savings, time deposit, fund).' })
  moneyIn: string;

  @Field(() => MoneyScalar, { description: 'Debits from every account, cards included.' })
  moneyOut: string;

  @Field(() => MoneyScalar, { description: 'moneyIn - moneyOut.' })
  net: string;

  @Field(() => MoneyScalar, { description: 'Credits to loan and credit-card accounts: debt paid back, not income.' })
  repayments: string;

  @Field(() => Int)
  transactionCount: number;

  @Field(() => MoneyScalar, { description: 'Paid to merchants and through payment platforms.' })
  spending: string;

  @Field(() => [SpendingCategory], { description: 'At most 5, biggest first.' })
  topSpendingCategories: SpendingCategory[];

  @Field(() => [MerchantSpending], { description: 'At most 5, biggest first.' })
  topMerchants: MerchantSpending[];

  @Field(() => PartnerBenefits)
  partnerBenefits: PartnerBenefits;

  @Field(() => MobileMilestones)
  mobile: MobileMilestones;

  @Field(() => SavingsGrowth)
  savings: SavingsGrowth;

  @Field(() => NotableMoments)
  moments: NotableMoments;
}
