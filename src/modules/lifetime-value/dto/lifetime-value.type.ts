import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';
import { ACTIVITIES, UNITS } from '../lifetime-value.repository';
import { REALISED_KINDS } from '../realised-value';

const enumOf = <T extends readonly string[]>(values: T) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };

export const LifetimeValueActivity = enumOf(ACTIVITIES);
export const LifetimeValueUnit = enumOf(UNITS);
export const RealisedValueKind = enumOf(REALISED_KINDS);
registerEnumType(LifetimeValueActivity, {
  name: 'LifetimeValueActivity',
  description:
    'What counts as a purchase. TRANSACTIONS: the customer’s debits to merchants and payment platforms; PARTNER_PURCHASES: purchases with one partner; ALL: both, with every partner.',
});
registerEnumType(LifetimeValueUnit, { name: 'LifetimeValueUnit', description: 'The time unit of the model’s rates (a month is 365.25/12 days).' });
registerEnumType(RealisedValueKind, {
  name: 'RealisedValueKind',
  description:
    'DEPOSIT_MARGIN / LENDING_MARGIN: annual spread of the product type on the balance, for the days the account was open; FEES: BANK_FEE transactions; CARD_INTERCHANGE: a rate on card spend; PARTNER_COMMISSION: a rate per partner on partner purchases.',
});

@ObjectType({ description: 'One part of the realised value and what its rate was applied to.' })
export class RealisedValueComponent {
  @Field(() => RealisedValueKind)
  kind: string;

  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => MoneyScalar, { description: 'Average balance over the period (margins), card spend, partner purchases, or the fees themselves.' })
  basis: string;
}

@ObjectType({ description: 'What the customer brought the bank over a period; the components add up to the total.' })
export class RealisedValue {
  @Field(() => DateTimeScalar)
  from: Date;

  @Field(() => DateTimeScalar, { description: 'Exclusive. Balances earn only up to now.' })
  to: Date;

  @Field(() => MoneyScalar)
  total: string;

  @Field(() => [RealisedValueComponent])
  components: RealisedValueComponent[];
}

@ObjectType()
export class MoneyInterval {
  @Field(() => MoneyScalar)
  low: string;

  @Field(() => MoneyScalar)
  high: string;
}

@ObjectType({ description: 'Discounted value of the purchases the model expects over the horizon.' })
export class PredictedValue {
  @Field(() => MoneyScalar)
  amount: string;

  @Field(() => MoneyInterval, { description: 'Where the value lies given the uncertainty of the fitted parameters (level 0.8: 10th to 90th percentile).' })
  interval: MoneyInterval;

  @Field(() => Int)
  horizonMonths: number;

  @Field(() => Float)
  annualDiscountRate: number;

  @Field(() => Float)
  level: number;
}

@ObjectType({ description: 'A customer’s value: realised over a period, and predicted by the current lifetime-value model.' })
export class CustomerLifetimeValue {}

@ObjectType()
export class BgnbdParameters {
  @Field(() => Float, { description: 'Shape of the purchase-rate distribution.' }) r: number;
  @Field(() => Float, { description: 'Scale of the purchase-rate distribution, in the model’s unit.' }) alpha: number;
  @Field(() => Float, { description: 'Dropout probability ~ Beta(a, b).' }) a: number;
  @Field(() => Float) b: number;
  @Field(() => Float) logLikelihood: number;
}

@ObjectType()
export class GammaGammaParameters {
  @Field(() => Float) p: number;
  @Field(() => Float) q: number;
  @Field(() => Float) gamma: number;
  @Field(() => Float) logLikelihood: number;
}

@ObjectType({ description: 'Forecast against what the customers actually did after the calibration end.' })
export class HoldoutComparison {
  @Field(() => Int) customers: number;
  @Field(() => Float, { description: 'Length of the holdout in the model’s unit.' }) periods: number;
  @Field(() => Float, { description: 'Sum of the expected purchases.' }) predicted: number;
  @Field(() => Int, { description: 'Purchases (customer-days) seen.' }) actual: number;
  @Field(() => Float, { description: '(predicted - actual) / actual, in percent.' }) errorPct: number;
}

@ObjectType({ description: 'A fitted BG/NBD + Gamma-Gamma model. The latest one scores the customers.' })
export class LifetimeValueModel {
  @Field(() => Int) version: number;
  @Field(() => LifetimeValueActivity) activity: string;
  @Field(() => String, { nullable: true, description: 'Partner code for PARTNER_PURCHASES.' }) partner: string | null;
  @Field(() => DateScalar, { description: 'Last day (UTC) of the data the model was fitted on; scores are as of this day.' }) calibrationEnd: string;
  @Field(() => DateScalar, { nullable: true }) holdoutEnd: string | null;
  @Field(() => LifetimeValueUnit) unit: string;
  @Field(() => BgnbdParameters) bgnbd: BgnbdParameters;
  @Field(() => GammaGammaParameters) gammaGamma: GammaGammaParameters;
  @Field(() => Int, { description: 'Customers with a first purchase by the calibration end.' }) customers: number;
  @Field(() => Int, { description: 'Of those, customers with a repeat purchase (the Gamma-Gamma fit).' }) repeatCustomers: number;
  @Field(() => Int, { description: 'Distinct (x, t_x, T) the BG/NBD likelihood was evaluated on.' }) uniqueTriples: number;
  @Field(() => Int) scoredCustomers: number;
  @Field(() => Int, { description: 'Horizon of the stored predicted values.' }) horizonMonths: number;
  @Field(() => Float, { description: 'Discount rate of the stored predicted values.' }) annualDiscountRate: number;
  @Field(() => HoldoutComparison, { nullable: true }) holdout: HoldoutComparison | null;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType({ description: 'Predicted value (current model, stored horizon and rate) of the segment’s members as of its last refresh.' })
export class SegmentLifetimeValue {
  @Field(() => Int) members: number;
  @Field(() => Int, { description: 'Members the current model scored.' }) scoredMembers: number;
  @Field(() => MoneyScalar) total: string;
  @Field(() => MoneyScalar, { nullable: true }) mean: string | null;
  @Field(() => MoneyScalar, { nullable: true }) p10: string | null;
  @Field(() => MoneyScalar, { nullable: true }) p50: string | null;
  @Field(() => MoneyScalar, { nullable: true }) p90: string | null;
}
