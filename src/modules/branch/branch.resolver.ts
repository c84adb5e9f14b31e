import { Ctx, Query, Resolver } from 'type-graphql';
import { GraphQLContext } from '../../graphql/context';
import { Branch } from './dto/branch.type';

@Resolver(() => Branch)
export class BranchResolver {
  @Query(() => [Branch], { description: 'All branches.' })
  branches(@Ctx() ctx: GraphQLContext) {
    return ctx.services.branch.all();
  }
}
