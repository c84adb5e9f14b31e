import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { Segment } from '../segment/dto/segment.type';
import { SegmentView } from '../segment/segment.service';
import { SegmentLifetimeValue } from './dto/lifetime-value.type';

/** Segment.lifetimeValue: kept apart from the module's other resolvers so it is registered only with the segment module. */
@Resolver(() => Segment)
export class SegmentLifetimeValueResolver {
  @FieldResolver(() => SegmentLifetimeValue, { description: 'Predicted value of the members: sum, mean and deciles, computed in SQL over the stored scores.' })
  lifetimeValue(@Root() segment: SegmentView, @Ctx() ctx: GraphQLContext) {
    return ctx.services.lifetimeValue.segmentValue(segment.id);
  }
}
