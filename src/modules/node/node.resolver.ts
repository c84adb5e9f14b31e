import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Node } from '../../common/dto/node.interface';
import { GraphQLContext } from '../../graphql/context';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id (Relay).' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return ctx.services.node.node(id);
  }
}
