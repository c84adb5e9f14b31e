import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../../../graphql/scalars';
import { CustomerFilter } from '../../customer/dto/customer-filter.input';
import { STATS_DIMENSIONS, STATS_METRICS } from '../customer-stats.repository';

const enumOf = <T extends readonly string[]>(values: T) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };
export const CustomerStatsDimension = enumOf(STATS_DIMENSIONS);
export const CustomerStatsMetric = enumOf(STATS_METRICS);
registerEnumType(CustomerStatsDimension, {
  name: 'CustomerStatsDimension',
  description:
    'AGE_BAND: UNDER_18, 18_24, 25_34, 35_44, 45_54, 55_64, 65_PLUS; MOBILE_STATUS: NOT_ENROLLED, ENROLLED_NOT_ACTIVATED, ACTIVATED; ' +
    'SEGMENT: a customer counts in each segment they are in (null group: in none).',
});
registerEnumType(CustomerStatsMetric, { name: 'CustomerStatsMetric', description: 'Balances are totals of held (not CLOSED) accounts per customer.' });

@ArgsType()
export class CustomerStatsArgs {
  @Field(() => CustomerFilter, { nullable: true })
  filter?: CustomerFilter | null;

  @Field(() => [CustomerStatsDimension], { defaultValue: [], description: 'At most 4.' })
  groupBy: (keyof typeof CustomerStatsDimension)[];

  @Field(() => [CustomerStatsMetric], { defaultValue: ['COUNT'] })
  metrics: (keyof typeof CustomerStatsMetric)[];

  @Field(() => DateTimeScalar, { nullable: true, description: 'The clock for relative filters and ages; default: now.' })
  now?: Date | null;

  @Field(() => Int, { nullable: true, description: 'Groups returned, 1 to 10000 (default 1000).' })
  limit?: number | null;
}

@ObjectType()
export class CustomerStatsGroupValue {
  @Field(() => CustomerStatsDimension)
  dimension: string;

  @Field(() => String, { nullable: true, description: 'Null: unknown / none.' })
  value: string | null;
}

@ObjectType({ description: 'One group; metrics that were not asked for are null.' })
export class CustomerStatsRow {
  @Field(() => [CustomerStatsGroupValue])
  group: CustomerStatsGroupValue[];

  @Field(() => Int, { nullable: true })
  count: number | null;

  @Field(() => MoneyScalar, { nullable: true })
  sumBalance: string | null;

  @Field(() => MoneyScalar, { nullable: true })
  avgBalance: string | null;

  @Field(() => MoneyScalar, { nullable: true })
  minBalance: string | null;

  @Field(() => MoneyScalar, { nullable: true })
  maxBalance: string | null;

  @Field(() => MoneyScalar, { nullable: true })
  medianBalance: string | null;

  @Field(() => Float, { nullable: true })
  avgAccountCount: number | null;

  @Field(() => Float, { nullable: true })
  avgAge: number | null;
}

@ObjectType()
export class CustomerStats {
  @Field(() => [CustomerStatsDimension])
  groupBy: string[];

  @Field(() => [CustomerStatsRow], { description: 'Ordered by the group values, nulls last.' })
  rows: CustomerStatsRow[];

  @Field({ description: 'More groups exist than limit allowed.' })
  truncated: boolean;
}
