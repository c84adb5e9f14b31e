import { Arg, Ctx, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { DateTimeScalar, MoneyScalar } from '../../graphql/scalars';
import { Customer } from '../customer/dto/customer.type';
import { CustomerView } from '../customer/customer.service';
import { FitLifetimeValueModelInput } from './dto/fit-lifetime-value-model.input';
import { CustomerLifetimeValue, LifetimeValueModel, PredictedValue, RealisedValue } from './dto/lifetime-value.type';

/** The root of Customer.lifetimeValue: which customer; every field resolves through the service's loaders. */
interface CustomerLifetimeValueRoot {
  customerLocalId: string;
}

const isoDay = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : null);

@Resolver()
export class LifetimeValueResolver {
  @Query(() => [LifetimeValueModel], { description: 'Fitted lifetime-value models, newest first.' })
  lifetimeValueModels(@Arg('first', () => Int, { nullable: true, description: '1 to 100 (default 20).' }) first: number | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.models(first);
  }

  @Query(() => LifetimeValueModel, { nullable: true, description: 'A model by version; without one, the current (latest) model.' })
  lifetimeValueModel(@Arg('version', () => Int, { nullable: true }) version: number | null, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.model(version);
  }

  @Mutation(() => LifetimeValueModel, {
    description: 'Fits BG/NBD and Gamma-Gamma on an activity stream up to calibrationEnd, stores the model and scores every customer active by then.',
  })
  fitLifetimeValueModel(@Arg('input', () => FitLifetimeValueModelInput) input: FitLifetimeValueModelInput, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.fit({
      activity: input.activity,
      partner: input.partner,
      calibrationEnd: isoDay(input.calibrationEnd)!,
      unit: input.unit,
      holdoutEnd: isoDay(input.holdoutEnd),
      annualDiscountRate: input.annualDiscountRate,
    });
  }
}

@Resolver(() => Customer)
export class CustomerLifetimeValueFieldResolver {
  @FieldResolver(() => CustomerLifetimeValue, { nullable: true, description: 'Realised and predicted value. Null when the caller may not see it.' })
  lifetimeValue(@Root() customer: CustomerView): CustomerLifetimeValueRoot {
    return { customerLocalId: customer.localId };
  }
}

@Resolver(() => CustomerLifetimeValue)
export class CustomerLifetimeValueResolver {
  @FieldResolver(() => RealisedValue)
  realised(
    @Root() root: CustomerLifetimeValueRoot,
    @Arg('from', () => DateTimeScalar, { nullable: true, description: 'Inclusive; default: a year before `to`.' }) from: Date | null,
    @Arg('to', () => DateTimeScalar, { nullable: true, description: 'Exclusive; default: now.' }) to: Date | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.lifetimeValue.realised(root.customerLocalId, from, to);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Probability the customer is still active at the calibration end. Null when not scored.' })
  probabilityAlive(@Root() root: CustomerLifetimeValueRoot, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.probabilityAlive(root.customerLocalId);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Repeat purchases (days) in the calibration period the score rests on.' })
  repeatTransactions(@Root() root: CustomerLifetimeValueRoot, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.repeatTransactions(root.customerLocalId);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Expected purchases in the next `periods` model units (default: 12 months).' })
  expectedTransactions(
    @Root() root: CustomerLifetimeValueRoot,
    @Arg('periods', () => Float, { nullable: true }) periods: number | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.lifetimeValue.expectedTransactions(root.customerLocalId, periods);
  }

  @FieldResolver(() => MoneyScalar, { nullable: true, description: 'Expected spend per future purchase.' })
  expectedAverageSpend(@Root() root: CustomerLifetimeValueRoot, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.expectedAverageSpend(root.customerLocalId);
  }

  @FieldResolver(() => PredictedValue, { nullable: true })
  predictedValue(
    @Root() root: CustomerLifetimeValueRoot,
    @Arg('horizonMonths', () => Int, { nullable: true, description: '1 to 120; default: the model’s (12).' }) horizonMonths: number | null,
    @Arg('annualDiscountRate', () => Float, { nullable: true, description: '0 to 1; default: the model’s.' }) annualDiscountRate: number | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.lifetimeValue.predictedValue(root.customerLocalId, horizonMonths, annualDiscountRate);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Version of the model that scored the customer.' })
  modelVersion(@Root() root: CustomerLifetimeValueRoot, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.modelVersion(root.customerLocalId);
  }
}

export const LIFETIME_VALUE_RESOLVERS = [
  LifetimeValueResolver,
  CustomerLifetimeValueFieldResolver,
  CustomerLifetimeValueResolver,
] as const;
