import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ForwardPageArgs } from '../../common/dto/page.args';
import { GraphQLContext } from '../../graphql/context';
import { MobileBanking, MobileSessionConnection } from './dto/mobile-banking.type';
import { MobileBankingView } from './mobile-banking.service';

@Resolver(() => MobileBanking)
export class MobileBankingResolver {
  @FieldResolver(() => MobileSessionConnection, { description: 'App sessions, newest first.' })
  sessions(@Root() enrolment: MobileBankingView, @Args() args: ForwardPageArgs, @Ctx() ctx: GraphQLContext) {
    return ctx.services.mobileBanking.sessionsOf(enrolment.customerId, args);
  }
}
